"""Community pages: places and staff appointments (``places``), members (``members``),
the community's rules (``rules``); the person picker every staff form uses (``picker``)."""
