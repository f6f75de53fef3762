"""Reports: the staff dashboard, the public community page, service records and exports."""
