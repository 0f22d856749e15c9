"""Coalition Tracker: dated, cited positions on the Coalition of the Willing guarantees."""
