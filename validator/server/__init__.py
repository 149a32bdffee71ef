"""`nianbao serve`: the intranet service (the Excel button through xlwings Server, the upload page, the office's dashboard)."""
