"""Stored files: checks before storing, content-addressed storage, downloads, two servers."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from core import files
from core.extensions import db
from core.files import FileBlob, FileRefused, StoredFile
from core.roles import Role
from institutions.governance.models import Paper
from tests import factories
from tests.governance_db.helpers import convene, make_council
from tests.scratch import dispose, make_app, migrate, scratch_database

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_content_is_stored_once_under_its_hash(app):
    first = files.store(PDF, "议程.pdf", purpose="test")
    second = files.store(io.BytesIO(PDF), "另一个名字.pdf", purpose="test")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert _count(FileBlob) == 1
    assert files.read(second) == PDF
    assert (first.size, first.content_type, second.filename) == (
        len(PDF),
        "application/pdf",
        "另一个名字.pdf",
    )


def test_names_lose_paths_and_invisible_characters(app):
    stored = files.store(PDF, "..\\..\\etc/合同\u202egpj.pdf", purpose="test")
    assert stored.filename == "合同gpj.pdf"
    long = files.store(PDF, "很" * 300 + ".pdf", purpose="test")
    assert len(long.filename) <= 200 and long.filename.endswith("….pdf")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"MZ\x90\x00", "run.exe", "只接受以下格式的文件"),
        (b"", "空.pdf", "文件是空的"),
        (b"MZ\x90\x00 not a pdf", "改名.pdf", "文件内容与扩展名「pdf」不符"),
        (b"numbers", "表.xlsx", "文件内容与扩展名「xlsx」不符"),
        (_zip("[Content_Types].xml", "word/document.xml"), "表.xlsx", "与扩展名「xlsx」不符"),
        (b"PK\x03\x04 broken zip", "文.docx", "与扩展名「docx」不符"),
        (b"GIF89a", "图.png", "与扩展名「png」不符"),
        (b"text\x00with nul", "说明.txt", "与扩展名「txt」不符"),
        (PDF, "议程", "只接受以下格式的文件"),
    ],
)
def test_uploads_that_are_not_what_they_say_are_refused(app, content, filename, message):
    with pytest.raises(FileRefused, match=message) as refused:
        files.store(content, filename, purpose="test")
    assert refused.value.field == "file"
    assert _count(StoredFile) == 0 and _count(FileBlob) == 0


def test_real_documents_of_each_kind_are_accepted(app):
    accepted = {
        "a.pdf": PDF,
        "a.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 8,
        "a.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 8,
        "a.docx": _zip("[Content_Types].xml", "word/document.xml"),
        "a.xlsx": _zip("[Content_Types].xml", "xl/workbook.xml"),
        "a.pptx": _zip("[Content_Types].xml", "ppt/presentation.xml"),
        "a.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8,
        "a.txt": "会议纪要".encode("gb18030"),
    }
    for name, content in accepted.items():
        assert files.read(files.store(content, name, purpose="test")) == content


def test_size_limit_defaults_to_the_upload_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    with pytest.raises(FileRefused, match="文件超过了 1 KB 的限制"):
        files.store(io.BytesIO(PDF + b"x" * 2000), "大.pdf", purpose="test")
    assert files.size_text(20 * 1024 * 1024) == "20 MB"
    assert files.size_text(1536 * 1024) == "1.5 MB"
    assert files.store(PDF + b"x" * 2000, "大.pdf", purpose="test", max_bytes=None).size > 1024


def test_a_shared_directory_keeps_the_content_instead(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "shared"))
    stored = files.store(PDF, "议程.pdf", purpose="test")
    path = tmp_path / "shared" / stored.sha256[:2] / f"{stored.sha256}.bin"
    assert path.read_bytes() == PDF
    assert _count(FileBlob) == 0
    assert files.read(stored) == PDF
    path.write_bytes(PDF + b"tampered")
    with pytest.raises(files.StoredFileMissing):
        files.read(stored)


def test_downloads_are_attachments_with_a_safe_name(app):
    stored = files.store(PDF, '会议"议程"\n.pdf', purpose="test")
    with app.test_request_context():
        response = files.send(stored)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition
    assert disposition.startswith("attachment; filename=\"download.pdf\"; filename*=UTF-8''")
    assert "%E4%BC%9A%E8%AE%AE_%E8%AE%AE%E7%A8%8B_.pdf" in disposition
    assert response.get_etag()[0] == stored.sha256
    with app.test_request_context(headers={"If-None-Match": f'"{stored.sha256}"'}):
        assert files.send(stored).status_code == 304


def test_ascii_names_keep_a_readable_fallback():
    assert files.content_disposition("report 2026.xlsx") == (
        "attachment; filename=\"report 2026.xlsx\"; filename*=UTF-8''report%202026.xlsx"
    )
    assert 'filename="Plan_A.pdf"' in files.content_disposition("Plan;A.pdf")


def test_a_lost_file_is_a_404_not_a_500(app, client, login_as, world):
    user = world.users["hr_officer"]
    job = factories.finished_job(user, world.mine)
    db.session.execute(db.delete(FileBlob))
    db.session.commit()
    login_as(user)
    assert client.get(f"/jobs/{job.id}/file").status_code == 404


def test_a_paper_uploaded_through_one_server_is_read_through_another(app, tmp_path):
    """Two app instances on one database, each with its own instance folder (issue 8, 7)."""
    with scratch_database(tmp_path) as url:
        one = make_app(url, tmp_path / "one")
        two = make_app(url, tmp_path / "two")
        try:
            migrate(one)
            with one.app_context():
                council = make_council(5)
                secretary = factories.create_user(
                    Role.COUNCIL_SECRETARY, institution=council.institution
                )
                meeting = convene(council)
                db.session.commit()
                ids = {
                    "institution": council.institution.id,
                    "meeting": meeting.id,
                    "secretary": secretary.get_id(),
                    "supervisor": council.supervisor.get_id(),
                }
            base = f"/governance/{ids['institution']}"

            uploader = one.test_client()
            with uploader.session_transaction() as session:
                session["_user_id"] = ids["secretary"]
            response = uploader.post(
                f"{base}/meetings/{ids['meeting']}/papers",
                data={"file": (io.BytesIO(PDF), "议程.pdf")},
                content_type="multipart/form-data",
            )
            assert response.status_code == 302, response.get_data(as_text=True)

            with two.app_context():
                paper_id = db.session.scalar(
                    select(Paper.id).where(Paper.meeting_id == ids["meeting"])
                )
            reader = two.test_client()
            with reader.session_transaction() as session:
                session["_user_id"] = ids["supervisor"]
            response = reader.get(f"{base}/papers/{paper_id}")
            assert response.status_code == 200
            assert response.data == PDF
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert not (tmp_path / "one" / "governance_papers").exists()
        finally:
            dispose(one, two)
