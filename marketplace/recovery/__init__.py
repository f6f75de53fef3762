"""Account recovery without SMS: staff-issued one-time reset codes, and how to get one."""
