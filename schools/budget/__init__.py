"""The lump-sum budget (经费包干): budgets per school year, spending, execution."""
