"""校内制度: the school's internal rules, versioned, adopted by the council or the staff congress."""
