"""工资标准表: the dated 岗位工资 and 薪级工资 tables, and loading a newer one from Excel."""
