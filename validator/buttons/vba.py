"""A vbaProject.bin from VBA source files, built with ms-ovba in a fresh temporary folder."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "生成带按钮的工作簿需要 ms-ovba：请运行 pip install 'nianbao-validator[excel]'。"
PROJECT_ID = "{5B2F3D1E-7C4A-4E0B-9A6D-2C8E1F0B7A53}"  # fixed, so that two builds give the same project
WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")  # Excel's Workbook class
SHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")  # Excel's Worksheet class
OFFICE_LIB = r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"

_ONE_FAT_SECTOR = 128 * 512  # bytes a version 3 compound file's first FAT sector addresses
_DOCUMENT = (
    'VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  \'True\nEND\nAttribute VB_Name = "{name}"\n'
    "Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n"
    "Attribute VB_PredeclaredId = True\nAttribute VB_Exposed = True\n"
)


@contextmanager
def _correct_copy_tokens() -> Iterator[None]:
    """ms-ovba-compression 1.0.1 caps a copy token's length at 0xFFFF << n + 3 instead of (0xFFFF >> n) + 3
    (MS-OVBA 2.4.1.3.19.3): a repeat longer than the token can hold corrupts the stream (module source and the dir
    stream of a project with many modules). Patched for the duration of one build."""
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.__dict__["copytoken_help"]

    def copytoken_help(difference: int) -> dict:
        helped = original.__func__(difference)
        return helped | {"maxLength": (0xFFFF >> helped["bitCount"]) + 3}

    MsOvba.copytoken_help = staticmethod(copytoken_help)
    try:
        yield
    finally:
        MsOvba.copytoken_help = original


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """ms-ovba writes its intermediate files into the current directory (and appends to them: a fresh one)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def vba_project(modules: Sequence[Path], sheets: Sequence[str], workbook: str = "ThisWorkbook") -> bytes:
    """The project of a workbook whose code name is `workbook` and whose sheets have the code names `sheets`,
    with one standard module per .bas file and one class module per .cls file of `modules` (named by its
    Attribute VB_Name line)."""
    try:
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
        from ms_ovba.Models.Fields.libid_reference import LibidReference
        from ms_ovba.vbaProject import VbaProject
        from ms_ovba.Views.project_ole_file import ProjectOleFile
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc

    with tempfile.TemporaryDirectory(prefix="nianbao-vba-") as tmp:
        folder = Path(tmp)
        project = VbaProject()
        project.project_id = PROJECT_ID
        for name, guid in [(workbook, WORKBOOK_GUID), *((s, SHEET_GUID) for s in sheets)]:
            source = folder / f"{name}.cls"
            source.write_text(_DOCUMENT.format(name=name), encoding="ascii")
            module = DocModule(name)
            module.add_file(str(source))
            module.add_guid(guid)
            module.normalize_file()
            project.add_module(module)
        for path in modules:
            source = folder / path.name
            text = path.read_text(encoding="ascii")
            source.write_text(_class_body(text) if path.suffix == ".cls" else text, encoding="ascii")
            module = (_class_module() if path.suffix == ".cls" else StdModule)(_module_name(path))
            module.add_file(str(source))
            module.normalize_file()
            project.add_module(module)
        for libid, version, lib_path, description, name in (
            (
                "00020430-0000-0000-C000-000000000046",
                "2.0",
                r"C:\Windows\System32\stdole2.tlb",
                "OLE Automation",
                "stdole",
            ),
            (
                "2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
                "2.0",
                OFFICE_LIB,
                "Microsoft Office 16.0 Object Library",
                "Office",
            ),
        ):
            reference = LibidReference(uuid.UUID(libid), version, "0", lib_path, description)
            project.add_reference(Reference(ReferenceRegistered(reference), name))
        with _inside(folder), _correct_copy_tokens():
            large = sum(path.stat().st_size for path in modules) > _ONE_FAT_SECTOR // 2  # compressed: ~ half or less
            _write_ole(ProjectOleFile._build_ole_directory(project), version=4 if large else 3)
        return (folder / "vbaProject.bin").read_bytes()


def _write_ole(root: object, version: int) -> None:
    """vbaProject.bin as a compound file. ms-cfb 0.0.6 writes a single FAT sector correctly, not a second one: a
    version 3 file (512-byte sectors) past 64 KiB loses its directory's tail, so a large project is written as
    version 4 (4096-byte sectors: one FAT sector covers 4 MiB), as MS-CFB allows."""
    from ms_cfb.ole_file import OleFile

    ole = OleFile()
    ole.version = version
    ole.root_directory = root
    ole.create_file("vbaProject.bin")


def _module_name(path: Path) -> str:
    """The VB_Name a module file declares, else its file name."""
    prefix = 'Attribute VB_Name = "'
    for line in path.read_text(encoding="ascii").splitlines():
        if line.startswith(prefix):
            return line[len(prefix) : -1]
    return path.stem


def _class_body(text: str) -> str:
    """An exported class module (.cls) as a project stores it: without the VERSION … END header of the export."""
    lines = text.splitlines(keepends=True)
    start = next((i + 1 for i, line in enumerate(lines) if line.strip() == "END"), 0)
    return "".join(lines[start:])


def _class_module() -> type:
    """ms-ovba's standard module recorded as a class module: "Class=" in the PROJECT stream and MODULETYPE 0x0022
    (MS-OVBA 2.3.4.2.3.2.8) in the dir stream, which ms-ovba writes for document modules only."""
    from ms_ovba.Models.Entities.std_module import StdModule

    class ClassModule(StdModule):
        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.type = "Class"

        def pack(self, endien: str, cp_name: str) -> bytes:
            self.type = "Document"  # the one type ms-ovba packs as 0x0022
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

    return ClassModule
