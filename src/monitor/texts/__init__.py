"""The entries of the i18n catalog, one module per area, so that each page's text lives beside the others of
its kind. Each module holds ENTRIES: a tuple of (key, zh, en). monitor.i18n joins every module of this package
into one catalog and looks texts up."""
