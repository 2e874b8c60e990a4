"""newsweave: one neutral, cited brief per news event, from many outlets."""
