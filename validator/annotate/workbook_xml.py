"""The workbook part and its neighbours at zip level: sheets, defined names, active tab, app.xml's titles."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from validator.annotate.package import Package, child, children, local, parse, rels_name, serialise
from validator.annotate.sheet_xml import local_attr
from validator.sources.grid import ReadError

TRANSITIONAL_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
APP_PART = "docProps/app.xml"
# CT_Workbook's elements after <definedNames>, in schema order.
_AFTER_NAMES = (
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its name, relationship id, part (None if unresolved) and kind ("worksheet"…)."""

    name: str
    rid: str
    part: str | None
    kind: str
    state: str


def workbook_part(pkg: Package) -> str:
    """The workbook part the package declares (xl/workbook.xml when it declares none)."""
    return next((r.target for r in pkg.relationships("") if r.type.endswith("/officeDocument")), "xl/workbook.xml")


class Book:
    """The workbook part of a package, parsed, with its sheets resolved through the relationships."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.part = workbook_part(pkg)
        self.root = parse(pkg.read(self.part))
        self.ns = etree.QName(self.root).namespace
        rels = {r.id: r for r in pkg.relationships(self.part)}
        self.rel_ns = TRANSITIONAL_RELS
        self.sheets: list[Sheet] = []
        for el in children(self._sheets(), "sheet"):
            rid_attr = next((k for k in el.attrib if local_attr(k) == "id" and k.startswith("{")), None)
            if rid_attr:
                self.rel_ns = etree.QName(rid_attr).namespace
            rel = rels.get(el.get(rid_attr) if rid_attr else "")
            kind = rel.type.rpartition("/")[2] if rel else ""
            self.sheets.append(
                Sheet(
                    el.get("name", ""),
                    el.get(rid_attr or "", ""),
                    rel.target if rel and rel.target else None,
                    kind,
                    el.get("state", "visible"),
                )
            )
        self.styles = next((r.target for r in rels.values() if r.type.endswith("/styles")), None)

    def _sheets(self) -> etree._Element:
        return child(self.root, "sheets")

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def worksheets(self) -> dict[str, str]:
        """Worksheet name → part, for the worksheets whose part exists."""
        return {s.name: s.part for s in self.sheets if s.kind == "worksheet" and s.part and self.pkg.has(s.part)}

    def _view(self) -> etree._Element | None:
        views = child(self.root, "bookViews")
        return None if views is None else child(views, "workbookView")

    @property
    def active(self) -> str | None:
        view = self._view()
        index = int(view.get("activeTab", "0")) if view is not None else 0
        return self.sheets[index].name if 0 <= index < len(self.sheets) else None

    def sheet_folder(self) -> str:
        """Where new worksheet parts go: beside the existing ones."""
        parts = [s.part for s in self.sheets if s.kind == "worksheet" and s.part]
        return posixpath.dirname(parts[0]) if parts else posixpath.join(posixpath.dirname(self.part), "worksheets")

    def add_sheet(self, name: str, body: bytes, first: bool, state: str | None = None) -> str:
        """Add a worksheet part and its entry (first or last in the tab order); the part name."""
        part = self.pkg.free_name(posixpath.join(self.sheet_folder(), "sheet{}.xml"))
        self.pkg.put(part, body)
        self.pkg.declare(part, WORKSHEET_TYPE)
        rid = self.pkg.relate(self.part, f"{self.rel_ns}/worksheet", part)
        sheets = self._sheets()
        ids = [int(s.get("sheetId", "0")) for s in children(sheets, "sheet") if s.get("sheetId", "").isdigit()]
        el = etree.Element(f"{{{self.ns}}}sheet", name=name, sheetId=str(max(ids, default=0) + 1))
        if state:
            el.set("state", state)
        el.set(f"{{{self.rel_ns}}}id", rid)
        if first:
            sheets.insert(0, el)
            self._shift_names(1)
        else:
            sheets.append(el)
        self.sheets.insert(0 if first else len(self.sheets), Sheet(name, rid, part, "worksheet", state or "visible"))
        return part

    def _shift_names(self, by: int) -> None:
        names = child(self.root, "definedNames")
        for el in children(names, "definedName") if names is not None else ():
            if (index := el.get("localSheetId", "")).isdigit():
                el.set("localSheetId", str(int(index) + by))

    def show_first(self) -> None:
        """Make the first sheet active and scroll the tab bar to it."""
        view = self._view()
        if view is not None:
            view.set("activeTab", "0")
            if view.get("firstSheet") is not None:
                view.set("firstSheet", "0")

    def print_titles(self, sheet_index: int, rows: str) -> None:
        """The rows repeated on every printed page of a sheet (`$5:$5`)."""
        names = child(self.root, "definedNames")
        if names is None:
            names = etree.Element(f"{{{self.ns}}}definedNames")
            later = [c for c in self.root if local(c) in _AFTER_NAMES]
            (later[0].addprevious(names) if later else self.root.append(names))
        sheet = self.sheets[sheet_index].name.replace("'", "''")
        el = etree.SubElement(
            names, f"{{{self.ns}}}definedName", name="_xlnm.Print_Titles", localSheetId=str(sheet_index)
        )
        el.text = f"'{sheet}'!{rows}"

    def save(self) -> None:
        self.pkg.put(self.part, serialise(self.root))

    def remove_sheet(self, name: str) -> None:
        """Remove a sheet, its part and its relationship; defined names of the sheet go, later ones shift."""
        index = self.names.index(name)
        sheet = self.sheets.pop(index)
        el = children(self._sheets(), "sheet")[index]
        el.getparent().remove(el)
        self.pkg.unrelate(self.part, sheet.rid)
        if sheet.part:
            self.pkg.undeclare(sheet.part)
            self.pkg.remove(sheet.part)
            self.pkg.remove(rels_name(sheet.part))
        names = child(self.root, "definedNames")
        for el in children(names, "definedName") if names is not None else ():
            if (local_id := el.get("localSheetId", "")).isdigit() and int(local_id) >= index:
                if int(local_id) == index:
                    names.remove(el)
                else:
                    el.set("localSheetId", str(int(local_id) - 1))
        if names is not None and not len(names):
            self.root.remove(names)

    def move_last(self, name: str) -> None:
        """Move a sheet to the end of the tab order; its defined names follow it, later sheets' shift back."""
        index = self.names.index(name)
        last = len(self.sheets) - 1
        self.sheets.append(self.sheets.pop(index))
        el = children(self._sheets(), "sheet")[index]
        self._sheets().append(el)
        names = child(self.root, "definedNames")
        for el in children(names, "definedName") if names is not None else ():
            if (local_id := el.get("localSheetId", "")).isdigit() and int(local_id) >= index:
                el.set("localSheetId", str(last if int(local_id) == index else int(local_id) - 1))

    def set_active(self, name: str) -> None:
        """Make a sheet the active and selected tab."""
        index = self.names.index(name)
        view = self._view()
        if view is not None:
            view.set("activeTab", str(index))
            if view.get("firstSheet", "").isdigit() and int(view.get("firstSheet")) > index:
                view.set("firstSheet", str(index))
        part = self.sheets[index].part
        if part and self.pkg.has(part):
            root = parse(self.pkg.read(part))
            views = child(root, "sheetViews")
            first = child(views, "sheetView") if views is not None else None
            if first is not None:
                first.set("tabSelected", "1")
                self.pkg.put(part, serialise(root))

    def update_titles(self, old: list[str]) -> None:
        """docProps/app.xml lists the worksheet names: the same list as the workbook's, when it was so before."""
        try:
            root = parse(self.pkg.read(APP_PART))
        except (KeyError, ReadError):  # no such part, or one no program reads: nothing to keep in step
            return
        pairs, titles = child(root, "HeadingPairs"), child(root, "TitlesOfParts")
        pair_vector = child(pairs, "vector") if pairs is not None else None
        title_vector = child(titles, "vector") if titles is not None else None
        if pair_vector is None or title_vector is None or len(pair_vector) < 2:
            return
        count_el = next((v for v in pair_vector[1].iter() if local(v) in ("i4", "int")), None)
        entries = [e for e in title_vector if local(e) == "lpstr"]
        worksheets = [s.name for s in self.sheets if s.kind == "worksheet"]
        previous = [n for n in old if n in worksheets or n not in self.names]
        if (
            count_el is None
            or count_el.text != str(len(previous))
            or [e.text for e in entries[: len(previous)]] != previous
        ):
            return  # not the layout Excel writes: left as it is
        tag = entries[0].tag if entries else f"{{{etree.QName(title_vector).namespace}}}lpstr"
        for el in entries[: len(previous)]:
            title_vector.remove(el)
        for n, name in enumerate(worksheets):
            el = etree.Element(tag)
            el.text = name
            title_vector.insert(n, el)
        count_el.text = str(len(worksheets))
        title_vector.set("size", str(len([e for e in title_vector if local(e) == "lpstr"])))
        self.pkg.put(APP_PART, serialise(root))
