"""The reward-performance allocation (奖励性绩效分配) per pay period, handed to payroll."""
