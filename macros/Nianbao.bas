Attribute VB_Name = "Nianbao"
' Buttons of the nianbao template (.xlsm): run the validator on this workbook.
' The work is done in Python (validator.excel.actions) through the nianbao add-in or xlwings' RunPython.
' This file stays ASCII: every text a user reads, and the Python statement of each action, come from hidden
' defined names that the generator writes.
Option Explicit

Public Sub NianbaoValidate()
    NianbaoRun "validate_book"
End Sub

Public Sub NianbaoClear()
    NianbaoRun "clear_book"
End Sub

' The office's server when the workbook names one (the template built with --server), else the nianbao add-in
' (one place to update), else xlwings' own add-in, else explain what to install.
Private Sub NianbaoRun(action As String)
    Dim addin As String
    addin = NianbaoText("NianbaoAddinName")
    If NianbaoText("NianbaoServer") <> "" Then
        Application.Run "NianbaoServer.NianbaoServerRun", action
    ElseIf IsOpenBook(addin) Then
        Application.Run "'" & addin & "'!NianbaoRibbon.NianbaoAction", action
    ElseIf IsOpenBook("xlwings.xlam") Then
        Application.Run "'xlwings.xlam'!Main.RunPython", NianbaoText("NianbaoPython_" & action)
    Else
        MsgBox NianbaoText("NianbaoMissing"), vbExclamation, NianbaoText("NianbaoTitle")
    End If
End Sub

Private Function IsOpenBook(name As String) As Boolean
    Dim wb As Object
    On Error Resume Next
    Set wb = Workbooks(name)
    IsOpenBook = Not wb Is Nothing
End Function

' The string constant of a hidden defined name of this workbook ("" when it is missing).
Public Function NianbaoText(name As String) As String
    On Error Resume Next
    NianbaoText = Application.Evaluate(ThisWorkbook.Names(name).RefersTo)
End Function
