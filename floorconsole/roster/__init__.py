"""Who should be on the floor: the roster, leave and swaps, attendance and the roll call."""
