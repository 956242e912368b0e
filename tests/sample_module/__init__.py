"""A module that exists only in tests: it proves a package plugs in through its own folder."""
