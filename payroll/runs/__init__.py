"""Monthly payroll runs: compute, four-eyes approval, lines, exports and imports."""
