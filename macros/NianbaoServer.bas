Attribute VB_Name = "NianbaoServer"
' The buttons through the office's nianbao server: no Python on this PC.
' xlwings' RunServerPython (module Remote, shipped with xlwings) sends the sheets' values to the server and runs
' the actions it answers. This module adds what Remote.bas does not send (merges, notes, hidden and protected sheets:
' written into a very hidden sheet just before the request) and the actions it lacks (called through its runMacro).
' This file stays ASCII: texts and the server's address come from defined names (NianbaoServer is the visible one).
Option Explicit

' Remote.bas counts a sheet's rows in an Integer: a used range past this row stops it with "Overflow".
Private Const MAX_ROWS As Long = 32767
' How long to wait for the answer: Remote.bas's own 30 s is shorter than the server may take when busy (a check
' waits for a free worker, which gives up on a file after 120 s: TIMEOUT_SECONDS in validator/server/work.py).
Private Const TIMEOUT_MS As Long = 300000

Public Sub NianbaoServerRun(action As String)
    Dim wb As Workbook, active As Object, url As String
    Set wb = ActiveWorkbook
    url = NianbaoText("NianbaoServer")
    If url = "" Then
        MsgBox NianbaoText("NianbaoServerMissing"), vbExclamation, NianbaoText("NianbaoTitle")
        Exit Sub
    End If
    If Right(url, 1) = "/" Then url = Left(url, Len(url) - 1)
    If Not CanSend(wb) Then Exit Sub
    If Not Reachable(url) Then
        MsgBox NianbaoText("NianbaoServerFailed"), vbCritical, NianbaoText("NianbaoTitle")
        Exit Sub
    End If
    Set active = wb.ActiveSheet
    Application.ScreenUpdating = False
    On Error GoTo Failed
    WriteFacts wb
    active.Activate
    RunServerPython url & "/xlwings/" & Replace(action, "_book", ""), timeout:=TIMEOUT_MS
    DeleteFacts wb
    Application.ScreenUpdating = True
    Exit Sub
Failed:
    DeleteFacts wb
    Application.ScreenUpdating = True
    MsgBox NianbaoText("NianbaoServerError") & vbLf & Err.Description, vbCritical, NianbaoText("NianbaoTitle")
End Sub

' False when the server cannot be reached at all (no connection, the name not resolved, no answer in time), asked of
' its health check before anything is written: Remote.bas tells that as an English box "Request Timeout ... (408)".
' Any other outcome goes on to the request, which Remote.bas answers as before.
Private Function Reachable(url As String) As Boolean
    Dim client As New WebClient, request As New WebRequest
    Reachable = True
    On Error GoTo Unknown
    client.BaseUrl = url
    client.TimeoutMs = 15000
    request.Resource = "healthz"
    request.Method = WebMethod.HttpGet
    Reachable = client.Execute(request).StatusCode <> WebStatusCode.RequestTimeout
Unknown:
End Function

' What would stop the request before it is sent, told and False: a protected workbook structure (no sheet can be
' added: neither our facts sheet nor the results), a used range past the rows Remote.bas counts in an Integer.
Private Function CanSend(wb As Workbook) As Boolean
    Dim ws As Worksheet, last As Long
    If wb.ProtectStructure Then
        MsgBox NianbaoText("NianbaoServerStructure"), vbExclamation, NianbaoText("NianbaoTitle")
        Exit Function
    End If
    For Each ws In wb.Worksheets
        last = ws.UsedRange.Row + ws.UsedRange.Rows.Count - 1
        If last > MAX_ROWS Then
            MsgBox Replace(Replace(NianbaoText("NianbaoServerRows"), "{rows}", CStr(last)), "{sheet}", ws.Name), _
                vbExclamation, NianbaoText("NianbaoTitle")
            Exit Function
        End If
    Next ws
    CanSend = True
End Function

' One row per fact: kind, sheet, address, text.
Private Sub WriteFacts(wb As Workbook)
    Dim facts As Worksheet, ws As Worksheet, rw As Range, cell As Range, note As Comment, n As Long
    DeleteFacts wb
    Set facts = wb.Worksheets.Add(After:=wb.Worksheets(wb.Worksheets.Count))
    facts.Name = NianbaoText("NianbaoFactsSheet")
    facts.Cells.NumberFormat = "@"
    n = 0
    For Each ws In wb.Worksheets
        If Not ws Is facts Then
            If ws.Visible = xlSheetHidden Then AddFact facts, n, "visibility", ws.Name, "Hidden", ""
            If ws.Visible = xlSheetVeryHidden Then AddFact facts, n, "visibility", ws.Name, "VeryHidden", ""
            If ws.ProtectContents Then AddFact facts, n, "protection", ws.Name, Permissions(ws), ""
            If HasMerges(ws.UsedRange) Then
                For Each rw In ws.UsedRange.Rows
                    If HasMerges(rw) Then
                        For Each cell In rw.Cells
                            If cell.MergeCells Then
                                If cell.Address = cell.MergeArea.Cells(1, 1).Address Then
                                    AddFact facts, n, "merge", ws.Name, cell.MergeArea.Address(False, False), ""
                                End If
                            End If
                        Next cell
                    End If
                Next rw
            End If
            For Each note In ws.Comments
                AddFact facts, n, "note", ws.Name, note.Parent.Address(False, False), note.Text
            Next note
        End If
    Next ws
    facts.Visible = xlSheetVeryHidden
End Sub

' What a protected sheet's protection allows, as the server reads it (PERMISSIONS in validator/excel/remote.py).
Private Function Permissions(ws As Worksheet) As String
    Dim allowed As String
    allowed = "Protected"
    If ws.Protection.AllowFormattingCells Then allowed = allowed & " FormatCells"
    If ws.Protection.AllowFormattingColumns Then allowed = allowed & " FormatColumns"
    If Not ws.ProtectDrawingObjects Then allowed = allowed & " Objects"
    If ws.Protection.AllowInsertingHyperlinks Then allowed = allowed & " Hyperlinks"
    Permissions = allowed
End Function

' MergeCells is True, False, or Null for a range with some merged cells.
Private Function HasMerges(area As Range) As Boolean
    Dim merged As Variant
    merged = area.MergeCells
    HasMerges = IsNull(merged)
    If Not HasMerges Then HasMerges = merged
End Function

Private Sub AddFact(facts As Worksheet, n As Long, kind As String, sheet As String, address As String, text As String)
    n = n + 1
    facts.Cells(n, 1).Value = kind
    facts.Cells(n, 2).Value = sheet
    facts.Cells(n, 3).Value = address
    facts.Cells(n, 4).Value = text
End Sub

Private Sub DeleteFacts(wb As Workbook)
    Dim ws As Worksheet, alerts As Boolean
    For Each ws In wb.Worksheets
        If ws.Name = NianbaoText("NianbaoFactsSheet") Then
            alerts = Application.DisplayAlerts
            Application.DisplayAlerts = False
            ws.Visible = xlSheetVisible
            ws.Delete
            Application.DisplayAlerts = alerts
            Exit Sub
        End If
    Next ws
End Sub

' ---------------------------------------------------------------- actions Remote.bas lacks (through runMacro)

Private Function Target(wb As Workbook, sheet As Variant, row As Variant, col As Variant, rows As Variant, cols As Variant) As Range
    With wb.Worksheets(sheet + 1)
        Set Target = .Range(.Cells(row + 1, col + 1), .Cells(row + rows, col + cols))
    End With
End Function

' A sheet at a 0-based position (Remote.bas's addSheet puts it next to the active sheet).
Public Sub NianbaoAddSheet(wb As Workbook, position As Variant, name As Variant)
    Dim ws As Worksheet
    If position < wb.Worksheets.Count Then
        Set ws = wb.Worksheets.Add(Before:=wb.Worksheets(position + 1))
    Else
        Set ws = wb.Worksheets.Add(After:=wb.Worksheets(wb.Worksheets.Count))
    End If
    If Not IsNull(name) Then ws.Name = name
End Sub

Public Sub NianbaoSheetVisibility(wb As Workbook, sheet As Variant, visibility As Variant)
    Select Case visibility
    Case "Visible"
        wb.Worksheets(sheet + 1).Visible = xlSheetVisible
    Case "VeryHidden"
        wb.Worksheets(sheet + 1).Visible = xlSheetVeryHidden
    Case Else
        wb.Worksheets(sheet + 1).Visible = xlSheetHidden
    End Select
End Sub

Public Sub NianbaoAddNote(wb As Workbook, sheet As Variant, address As Variant, text As Variant)
    With wb.Worksheets(sheet + 1).Range(address)
        If Not .Comment Is Nothing Then .Comment.Delete
        .AddComment CStr(text)
    End With
End Sub

Public Sub NianbaoDeleteNote(wb As Workbook, sheet As Variant, address As Variant)
    With wb.Worksheets(sheet + 1).Range(address)
        If Not .Comment Is Nothing Then .Comment.Delete
    End With
End Sub

Public Sub NianbaoColumnWidth(wb As Workbook, sheet As Variant, row As Variant, col As Variant, rows As Variant, cols As Variant, width As Variant)
    Target(wb, sheet, row, col, rows, cols).ColumnWidth = width
End Sub

Public Sub NianbaoWrapText(wb As Workbook, sheet As Variant, row As Variant, col As Variant, rows As Variant, cols As Variant, wrap As Variant)
    Target(wb, sheet, row, col, rows, cols).WrapText = wrap
End Sub

Public Sub NianbaoFont(wb As Workbook, sheet As Variant, row As Variant, col As Variant, rows As Variant, cols As Variant, prop As Variant, value As Variant)
    With Target(wb, sheet, row, col, rows, cols).Font
        Select Case prop
        Case "bold"
            .Bold = value
        Case "italic"
            .Italic = value
        Case "size"
            .Size = value
        Case "name"
            .Name = value
        End Select
    End With
End Sub

Public Sub NianbaoNoFill(wb As Workbook, sheet As Variant, row As Variant, col As Variant, rows As Variant, cols As Variant)
    Target(wb, sheet, row, col, rows, cols).Interior.Pattern = xlNone
End Sub
