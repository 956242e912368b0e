"""Payslips: each employee sees their own lines of approved runs, web and printable."""
