; The Passcrow installer for Windows (NSIS 3.08 or later), built by
; scripts/release.sh:
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DFILEVERSION=0.1.0.412
;            -DAPP_EXE=Passcrow.exe -DGUIDES=guides -DICON=passcrow.ico
;            -DOUTFILE=setup.exe [-DSIGN=packaging/windows/sign.sh] passcrow.nsi
;
; GUIDES is a folder of the user guides (.md, packaging/user-docs.txt):
; they go into docs\ beside the app, where its Help looks for them.
;
; Per machine (Program Files, for every user; needs an administrator) or per
; user (%LOCALAPPDATA%\Programs, no administrator): an administrator is
; asked, others get a per-user install. Silent: setup.exe /S [/CurrentUser |
; /AllUsers] [/D=C:\path]. It adds a Start-menu shortcut and an entry in
; "Apps and features"; the uninstaller removes what the installer added and
; the login reminder the app may have set for this user. It keeps the
; user's recovery packs (in the Windows Credential Manager) and settings:
; they are the user's data, and needed again after a reinstall.

; A 64-bit installer for a 64-bit app: it runs on every Windows Passcrow
; runs on, and under wine64 without 32-bit wine.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION | FILEVERSION | APP_EXE | GUIDES | ICON | OUTFILE
  !error "VERSION, FILEVERSION, APP_EXE, GUIDES, ICON and OUTFILE must be defined (see the top of this file)"
!endif

!define APPNAME "Passcrow"
!define APPEXE "Passcrow.exe"
!define UNINSTEXE "Uninstall.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Passcrow"
; The value platform/autostart_windows.go writes for the login reminder.
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUNVALUE "PasscrowRemind"

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPNAME}"
; An update goes where the last install went, in the same mode.
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${UNINSTKEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${UNINSTKEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!include MultiUser.nsh
!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh

!ifdef SIGN
  ; Signed as soon as makensis writes them, so the signed uninstaller is
  ; what goes into the installer.
  !uninstfinalize '"${SIGN}" "%1" uninstall.exe' = 0
  !finalize '"${SIGN}" "%1" setup.exe' = 0
!endif

Name "${APPNAME}"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${FILEVERSION}"
VIFileVersion "${FILEVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${FILEVERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${APPNAME}"
VIAddVersionKey /LANG=0 "LegalCopyright" "The Passcrow authors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APPEXE}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first is the default; Windows in Icelandic gets Icelandic.
!insertmacro MUI_LANGUAGE "English"
; NSIS's Icelandic has no words for the MultiUser page: ours.
!define MULTIUSER_TEXT_INSTALLMODE_TITLE "Veldu notendur"
!define MULTIUSER_TEXT_INSTALLMODE_SUBTITLE "Veldu fyrir hvaða notendur $(^NameDA) er sett upp."
!define MULTIUSER_INNERTEXT_INSTALLMODE_TOP "Veldu hvort $(^NameDA) er sett upp aðeins fyrir þig eða fyrir alla notendur þessarar tölvu. $(^ClickNext)"
!define MULTIUSER_INNERTEXT_INSTALLMODE_ALLUSERS "Setja upp fyrir alla sem nota þessa tölvu"
!define MULTIUSER_INNERTEXT_INSTALLMODE_CURRENTUSER "Setja aðeins upp fyrir mig"
!insertmacro MUI_LANGUAGE "Icelandic"

Function .onInit
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "Passcrow" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=${APPEXE}" "${APP_EXE}"
  ; The guides of this version only: an update drops those it no longer has.
  Delete "$INSTDIR\docs\*.md"
  SetOutPath "$INSTDIR\docs"
  File "${GUIDES}/*.md"
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\${UNINSTEXE}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${APPEXE}"

  ; "Apps and features", in HKLM or HKCU as MultiUser chose (SHCTX).
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${APPEXE},0"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "URLInfoAbout" "https://passcrow.is"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\${UNINSTEXE}" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTEXE}" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\${APPEXE}"
  Delete "$INSTDIR\${UNINSTEXE}"
  Delete "$INSTDIR\docs\*.md"
  RMDir "$INSTDIR\docs"
  ; Only if empty: never a recursive delete of a folder the user chose.
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  DeleteRegKey SHCTX "${UNINSTKEY}"

  ; The login reminder of this user, if it starts this copy.
  ReadRegStr $0 HKCU "${RUNKEY}" "${RUNVALUE}"
  ${UnStrStr} $1 $0 "$INSTDIR\${APPEXE}"
  ${If} $1 != ""
    DeleteRegValue HKCU "${RUNKEY}" "${RUNVALUE}"
  ${EndIf}
SectionEnd
