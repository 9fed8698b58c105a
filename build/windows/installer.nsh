; NSIS include for Kith's installer (electron-builder `nsis.include`).
; Installs the TAP-Windows6 driver once, if no TAP-Windows6 adapter driver is present yet.
; The driver installer is not part of the repository: place the OpenVPN project's signed
; tap-windows-9.24.7-I601-Win10.exe in build/windows/tap-windows/ before building; electron-builder
; copies it to resources\tap-windows\ (win.extraResources in electron-builder.yml).

!define KITH_TAP_INSTALLER "tap-windows-9.24.7-I601-Win10.exe"
!define KITH_TAP_COMPONENT "tap0901"

!macro customInstall
  ; The driver's service key exists once any TAP-Windows6 version is installed (also by OpenVPN).
  ReadRegStr $0 HKLM "SYSTEM\CurrentControlSet\Services\${KITH_TAP_COMPONENT}" "ImagePath"
  ${If} $0 == ""
    ${If} ${FileExists} "$INSTDIR\resources\tap-windows\${KITH_TAP_INSTALLER}"
      DetailPrint "Installing the TAP-Windows6 driver"
      ExecWait '"$INSTDIR\resources\tap-windows\${KITH_TAP_INSTALLER}" /S' $1
      ${If} $1 != 0
        MessageBox MB_ICONEXCLAMATION|MB_OK "The TAP-Windows6 driver could not be installed (exit code $1). Kith cannot create its network adapter until it is."
      ${EndIf}
    ${Else}
      DetailPrint "TAP-Windows6 driver installer not bundled; install TAP-Windows6 separately"
    ${EndIf}
  ${Else}
    DetailPrint "TAP-Windows6 driver already installed"
  ${EndIf}
!macroend

!macro customUnInstall
  ; The driver stays: other software (OpenVPN) may share it, and removing it needs its own uninstaller.
!macroend
