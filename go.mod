module github.com/passcrow/passcrow-desktop

go 1.26.8
