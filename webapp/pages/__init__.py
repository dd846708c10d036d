"""Staff pages: one blueprint a module, each view parsing the request, calling a service, rendering."""
