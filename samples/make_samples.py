"""Write samples/app.log: a small synthetic application log for the README's first command.

Every value comes from :mod:`dataguard.testing.generators` (which follow the standards:
allocated mobile prefixes, real region codes and MOD 11-2 check characters, Luhn-valid
cards), so nothing here is a real person's data. Run from the repository root::

    python samples/make_samples.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import quote

from dataguard.testing import generators as g

OUT = Path(__file__).resolve().parent / "app.log"


def lines(rng: random.Random) -> list[str]:
    out: list[str] = []
    for minute in range(12):
        ts = f"2026-11-25 09:{minute:02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}"
        ip = g.ipv4(rng)
        out += [
            f'{ip} - - [25/Nov/2026:09:{minute:02d}:11 +0800] "GET /api/member?mobile='
            f'{g.mobile_digits(rng)}&email={quote(g.email(rng), safe="")} HTTP/1.1" 200 512',
            f"{ts} INFO  [http-nio-8080-exec-{rng.randrange(1, 9)}] c.s.OrderService - "
            f"order created orderNo={g.order_number(rng)} receiverPhone={g.mobile(rng)} "
            f"amount={g.amount(rng)}",
            json.dumps(
                {
                    "ts": ts,
                    "level": "INFO",
                    "msg": "实名认证通过",
                    "idCard": g.id_card(rng),
                    "bankCard": g.bank_card(rng),
                    "traceId": g.hex_hash(rng)[:32],
                },
                ensure_ascii=False,
            ),
            f"{ts} DEBUG [cs-chat] 客户留言：我的手机号是{g.mobile_digits(rng)}，"
            f"收货地址{g.address(rng)}，座机{g.landline(rng)}",
            f"{ts} DEBUG [cache] miss key=sku:{rng.randrange(10**6)} took {rng.randrange(90)}ms"
            f" build={g.version_string(rng)} at {g.timestamp(rng)}",
        ]
    return out


def main() -> None:
    rng = random.Random(20261125)  # noqa: S311 - synthetic sample data, not secrets
    OUT.write_text("\n".join(lines(rng)) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
