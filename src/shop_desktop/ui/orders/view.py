"""One order as the screens show it: the service's frozen view.

:func:`shop_desktop.services.orders.order_detail` reads the order whole on a
worker into plain frozen values, so no screen touches a SQLAlchemy object on
the GUI thread (a lazy attribute would query there). The screens' name for it
stays here for the payment dialog.
"""

from __future__ import annotations

from shop_desktop.services.orders import OrderDetail as OrderView

__all__ = ["OrderView"]
