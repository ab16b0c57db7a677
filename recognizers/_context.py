"""Context words shared by several recognizers (not a recognizer: the registry skips ``_``)."""

from __future__ import annotations

# Negative context for order numbers as logs write them: field names and labels
# (``orderNo``, ``order_id``, ``"order":``, ``Order: …``). The bare word ``order`` is not
# one of them: context matching is by substring, and ``order`` occurs in logger and class
# names (``OrderController``, ``OrderDTO``) and URL paths (``/api/order/create``) near
# values it says nothing about.
ORDER_FIELD_WORDS: tuple[str, ...] = (
    "orderno",
    "order_no",
    "order-no",
    "order no",
    "orderid",
    "order_id",
    "order-id",
    "order id",
    "ordersn",
    "order_sn",
    "ordercode",
    "order_code",
    "order number",
    "order_number",
    "order#",
    "order=",
    "order:",
    'order":',
    "order'",
)
