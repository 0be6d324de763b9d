"""Stand-ins for Xero and Odoo. They import nothing of the bridge: they play the other side."""
