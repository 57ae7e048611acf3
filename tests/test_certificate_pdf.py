"""The certificate PDF: languages render, facts are printed, the QR code carries the verification URL."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from course.certificates.pdf import LABEL_KEYS, CertificateDocument, qr_png, render_certificate

RU_LABELS = {
    "heading": "Сертификат о прохождении обучения",
    "certifies": "Настоящим удостоверяется, что",
    "completed": "прошёл(а) обучение по курсу",
    "track": "Направление",
    "hours": "{hours} академических часов",
    "period": "Период обучения",
    "venue": "Место проведения",
    "trainer": "Тренер",
    "issuer": "Выдан",
    "serial": "Номер сертификата",
    "issued": "Дата выдачи",
    "verify": "Проверить сертификат можно по адресу",
}
TK_LABELS = {
    "heading": "Tälimçi şahadatnamasy",
    "certifies": "Şu şahadatnama tassyklaýar, ýagny",
    "completed": "okuwy üstünlikli tamamlady",
    "track": "Ugur",
    "hours": "{hours} okuw sagady",
    "period": "Okuw döwri",
    "venue": "Geçirilen ýeri",
    "trainer": "Tälimçi",
    "issuer": "Beren edara",
    "serial": "Şahadatnamanyň belgisi",
    "issued": "Berlen senesi",
    "verify": "Şahadatnamany barlamak üçin",
}
URL = "https://cascade.example.tm/verify/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

RUSSIAN = CertificateDocument(
    language="ru",
    kind="completion",
    holder_name="Иван Петрович Сидоров",
    course_title="Противодействие торговле людьми: расследование и защита пострадавших",
    track_title="Прокуроры и следователи",
    contact_hours=24,
    period="1–4 марта 2027 г.",
    venue="Мары, областная прокуратура",
    velayat="Мары",
    trainer_name="Гульнара Ахмедова",
    issuer="Программа обучения «Каскад»",
    serial="TOT-2026-000123",
    issued_on="5 марта 2027 г.",
    verify_url=URL,
    labels=RU_LABELS,
)
TURKMEN = replace(
    RUSSIAN,
    language="tk",
    kind="trainer",
    holder_name="Aýna Ňurberdiýewa Şöhratowna Žumaýewa",
    course_title="Adam söwdasyna garşy göreş",
    track_title="Kaskad ugry (kärdeşler üçin)",
    contact_hours=32.5,
    period="2027-nji ýylyň 1–4-nji marty",
    venue="Welaýat prokuraturasy, 2-nji etaž",
    velayat="Mary",
    trainer_name="Merdan Öwezow",
    issuer="«Kaskad» okuw maksatnamasy",
    serial="TOT-2026-000124",
    issued_on="2027-nji ýylyň 5-nji marty",
    labels=TK_LABELS,
)


def _read(document: CertificateDocument) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(render_certificate(document)))
    # Wrapped lines come out with newlines; compare on single spaces.
    return reader, " ".join(reader.pages[0].extract_text().split())


def test_russian_certificate_is_one_a4_landscape_page_with_cyrillic_text():
    reader, text = _read(RUSSIAN)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)
    assert "Иван Петрович Сидоров" in text
    assert "Настоящим удостоверяется, что" in text
    assert "СЕРТИФИКАТ О ПРОХОЖДЕНИИ ОБУЧЕНИЯ" in text
    assert "24 академических часов" in text
    assert reader.metadata.title == "Сертификат о прохождении обучения — Иван Петрович Сидоров"
    assert reader.metadata.author == "Программа обучения «Каскад»"


def test_turkmen_letters_survive_into_the_pdf_text():
    _, text = _read(TURKMEN)

    assert "Aýna Ňurberdiýewa Şöhratowna Žumaýewa" in text
    assert "Kaskad ugry (kärdeşler üçin)" in text
    for letter in "ňşýžäöüçŇŞŽ":
        assert letter in text, letter
    assert "32,5 okuw sagady" in text  # hours in the Turkmen number format, not "32.5"
    assert "Welaýat prokuraturasy, 2-nji etaž, Mary" in text  # velayat appended because the venue does not name it


def test_serial_issue_date_and_verification_url_are_printed():
    _, text = _read(RUSSIAN)

    assert "TOT-2026-000123" in text
    assert "5 марта 2027 г." in text
    assert URL in text
    assert "Мары, областная прокуратура" in text and "Мары, областная прокуратура, Мары" not in text


def test_empty_facts_are_left_out_rather_than_printed_blank():
    _, text = _read(replace(RUSSIAN, trainer_name="", venue="", velayat=""))

    assert "Тренер" not in text
    assert "Место проведения" not in text
    assert "Выдан" in text


def _dark_modules(png: bytes, size: int, module_px: int) -> list[list[bool]]:
    """Sample the centre pixel of every module of a borderless QR image."""
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (size * module_px, size * module_px)
    centre = module_px // 2
    return [[image.getpixel((c * module_px + centre, r * module_px + centre)) < 128 for c in range(size)]
            for r in range(size)]


def test_qr_png_draws_the_segno_matrix_of_the_url():
    expected = [[bool(v) for v in row] for row in segno.make(URL, error="m").matrix]
    other = [[bool(v) for v in row] for row in segno.make(URL + "x", error="m").matrix]

    assert _dark_modules(qr_png(URL), len(expected), 10) == expected
    assert expected != other  # the comparison above would notice a QR code of a different URL


def test_embedded_image_is_the_qr_code_of_the_verification_url():
    reader, _ = _read(RUSSIAN)
    images = reader.pages[0].images
    assert len(images) == 1
    buffer = io.BytesIO()
    images[0].image.save(buffer, format="PNG")
    expected = [[bool(v) for v in row] for row in segno.make(URL, error="m").matrix]

    # There is no QR decoder installed; matching every module of segno's matrix for the URL is the same check.
    assert _dark_modules(buffer.getvalue(), len(expected), 10) == expected


def test_very_long_name_and_titles_stay_on_one_page_without_truncation():
    name = ("Aýna Ňurberdiýewa Şöhratowna Žumaýewa " * 5)[:150].strip()
    track = "Kaskad ugry (kärdeşler üçin) — prokurorlar, derňewçiler, kazylar, aklawçylar we sosial işgärler " * 2
    document = replace(TURKMEN, holder_name=name, track_title=track.strip(), course_title="Adam söwdasyna " * 12,
                       venue="Mary welaýatynyň prokuraturasynyň okuw merkezi, Magtymguly şaýolunyň 12-nji jaýy " * 2)
    assert len(name) >= 145

    reader, text = _read(document)

    assert len(reader.pages) == 1
    assert name in text
    assert "…" not in text


def test_a_missing_label_is_an_error():
    labels = {key: value for key, value in RU_LABELS.items() if key != "verify"}

    with pytest.raises(ValueError, match="verify"):
        render_certificate(replace(RUSSIAN, labels=labels))


def test_label_keys_are_exactly_the_texts_the_layout_uses():
    assert set(LABEL_KEYS) == set(RU_LABELS) == set(TK_LABELS)
