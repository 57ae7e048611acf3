"""How long certificate PDFs take: one, and a cohort's ZIP of 30.

Run: .venv/bin/python bench/certificates.py [count]
Reports the median time per certificate and the time for a ZIP of ``count`` (default 30).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import zipfile
from dataclasses import replace

from course.certificates.pdf import CertificateDocument, render_certificate

LABELS = {key: key.title() for key in ("heading", "certifies", "completed", "track", "period", "venue", "trainer",
                                       "issuer", "serial", "issued", "verify")} | {"hours": "{hours} contact hours"}
SAMPLE = CertificateDocument(
    language="tk", kind="completion", holder_name="Aýna Ňurberdiýewa Şöhratowna Žumaýewa",
    course_title="Adam söwdasy baradaky işleri derňemek, aýyplamak we kazyýetde seretmek",
    track_title="Kaskad ugry (kärdeşler üçin)", contact_hours=16, period="1–4 March 2027", venue="Mary, Court",
    velayat="Mary", trainer_name="Merdan Öwezow", issuer="Cascade training programme", serial="CMP-2027-000001",
    issued_on="5 March 2027", verify_url="https://cascade.example.tm/verify/" + "x" * 32, labels=LABELS,
)


def main(count: int) -> None:
    times = []
    for number in range(10):
        start = time.perf_counter()
        body = render_certificate(replace(SAMPLE, serial=f"CMP-2027-{number:06d}"))
        times.append(time.perf_counter() - start)
    print(f"one certificate: median {statistics.median(times) * 1000:.0f} ms, {len(body) // 1024} KiB")
    start = time.perf_counter()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            archive.writestr(f"{number}.pdf", render_certificate(replace(SAMPLE, serial=f"CMP-2027-{number:06d}")))
    print(f"ZIP of {count}: {time.perf_counter() - start:.1f} s, {len(buffer.getvalue()) // 1024} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
