"""The administrator's pages: accounts (find, create, edit, roles and scope, password, deactivate, personal
data) and the audit log. The same operations are on the command line (``course user ...``)."""
