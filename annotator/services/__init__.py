"""Services: the operations behind the pages and the command line; they never commit."""
