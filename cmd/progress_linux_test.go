package cmd_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/bigpipe"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// openPTY opens a pseudo-terminal pair: what is written to tty, a real
// terminal device, is read from master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open the terminal: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

func TestSynthOnATerminalPrintsOneLinePerPhaseAndNothingElsewhere(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 2, Lambdas: 2, Publishes: 1}))
	synth := func(stderr *os.File, buf *bytes.Buffer) int {
		app := &cmd.App{Stdout: &bytes.Buffer{}, LookupEnv: testkit.Env(), Environ: func() []string { return nil }, Registry: engines.Registry()}
		if stderr != nil {
			app.Stderr = stderr
		} else {
			app.Stderr = buf
		}
		return app.Run([]string{"synth", "--dir", dir, "--stage", "dev", "--skip-bundling"})
	}

	master, tty := openPTY(t)
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(master)
		for sc.Scan() {
			lines <- strings.TrimRight(sc.Text(), "\r")
		}
		close(lines)
	}()
	require.Equal(t, 0, synth(tty, nil))
	tty.Close()
	var got []string
	for l := range lines {
		got = append(got, l)
		if strings.HasPrefix(l, "wrote ") {
			break
		}
	}
	phase := func(name, detail string) *regexp.Regexp {
		return regexp.MustCompile(`^` + regexp.QuoteMeta(name) + ` +\d+\.\d\ds  ` + detail + `$`)
	}
	want := []*regexp.Regexp{
		phase("render", `1 config\(s\)`),
		phase("validate", `6 job\(s\), 0 errors, 0 warnings`),
		phase("plan", `\d+ state\(s\)`),
		phase("synth big", `one template`),
		phase("write assembly", regexp.QuoteMeta(dir)+`/cdk\.out`),
		regexp.MustCompile(`^wrote .*cdk\.out: 1 stack\(s\): big$`),
	}
	require.Len(t, got, len(want), "%q", got)
	for i, re := range want {
		assert.Regexp(t, re, got[i])
	}

	var plain bytes.Buffer
	require.Equal(t, 0, synth(nil, &plain))
	assert.Equal(t, 1, strings.Count(plain.String(), "\n"), "not a terminal: only the result line: %q", plain.String())
}
