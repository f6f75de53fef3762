"""Work units (单位, 双报到): the registry kept by district staff, contacts, the portal."""
