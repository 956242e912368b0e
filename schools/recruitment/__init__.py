"""Self-hired teachers (教师自聘): recruitment plans, candidates, ranking, offers and hires."""
