"""Pay settings (工资设置): finance keeps each employment's bases, fund rate, tax flags and standing deductions."""
