Attribute VB_Name = "NianbaoRibbon"
' Ribbon callbacks of the nianbao add-in: every action runs in Python through xlwings' RunPython.
' This file stays ASCII: every text a user reads, and the Python statement of each action, come from hidden
' defined names that the generator writes.
Option Explicit

Public Sub OnValidate(control As Object)
    NianbaoAction "validate_book"
End Sub

Public Sub OnClear(control As Object)
    NianbaoAction "clear_book"
End Sub

Public Sub OnTemplate(control As Object)
    Dim target As Variant
    target = Application.GetSaveAsFilename(NianbaoText("NianbaoTemplateName"), "Excel (*.xlsx), *.xlsx")
    If VarType(target) = vbBoolean Then Exit Sub
    If RunInPython("from validator.cli import main; main(['template', '-o', r'" & _
            Replace(target, "'", "\'") & "'])") Then Workbooks.Open target
End Sub

Public Sub OnHelp(control As Object)
    MsgBox NianbaoText("NianbaoHelp"), vbInformation, NianbaoText("NianbaoTitle")
End Sub

' Also called by the buttons of the .xlsm template, with the name of a function of validator.excel.actions.
Public Sub NianbaoAction(action As String)
    If ActiveWorkbook Is Nothing Then
        MsgBox NianbaoText("NianbaoNoBook"), vbExclamation, NianbaoText("NianbaoTitle")
        Exit Sub
    End If
    RunInPython NianbaoText("NianbaoPython_" & action)
End Sub

Private Function RunInPython(command As String) As Boolean
    Dim wb As Object
    On Error Resume Next
    Set wb = Workbooks("xlwings.xlam")
    On Error GoTo 0
    If wb Is Nothing Then
        MsgBox NianbaoText("NianbaoMissing"), vbExclamation, NianbaoText("NianbaoTitle")
        Exit Function
    End If
    Application.Run "'xlwings.xlam'!Main.RunPython", command
    RunInPython = True
End Function

' The string constant of a hidden defined name of this add-in ("" when it is missing).
Private Function NianbaoText(name As String) As String
    On Error Resume Next
    NianbaoText = Application.Evaluate(ThisWorkbook.Names(name).RefersTo)
End Function
