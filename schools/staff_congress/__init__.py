"""The staff congress (教职工代表大会): its delegates and the votes it holds."""
