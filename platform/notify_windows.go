package platform

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// toastScript shows a toast under PowerShell's own app id (an unregistered
// id shows nothing on Windows 10). Title and body come from the
// environment, never from script text, so they cannot inject PowerShell.
const toastScript = `$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$x = $t.GetElementsByTagName('text')
$x.Item(0).AppendChild($t.CreateTextNode($env:PASSCROW_NOTIFY_TITLE)) | Out-Null
$x.Item(1).AppendChild($t.CreateTextNode($env:PASSCROW_NOTIFY_BODY)) | Out-Null
$n = [Windows.UI.Notifications.ToastNotification]::new($t)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe').Show($n)
`

// Notify shows a toast notification through PowerShell, best effort.
func Notify(title, body string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "powershell.exe",
		"-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden", "-Command", toastScript)
	cmd.Env = append(os.Environ(), "PASSCROW_NOTIFY_TITLE="+title, "PASSCROW_NOTIFY_BODY="+body)
	// CREATE_NO_WINDOW: no console flashes up behind the toast.
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("notify: powershell: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
