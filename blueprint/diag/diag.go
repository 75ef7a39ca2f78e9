package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Severity orders findings; errors fail a run, warnings do not.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalJSON writes the severity as its name so machine output is readable.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity back from its name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	switch name {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", name)
	}
	return nil
}

// Diagnostic is one finding about the user's input, printed as
// `file:line:col: path: message (hint)`.
type Diagnostic struct {
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"column,omitempty"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Severity Severity `json:"severity"`
	// Source is the offending rendered line, shown with a caret when the
	// rendered text no longer matches the template line for line.
	Source string `json:"source,omitempty"`
}

// String is the printed form; it is the product, tests compare it verbatim.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Line)
			if d.Col > 0 {
				fmt.Fprintf(&b, ":%d", d.Col)
			}
		}
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (%s)", d.Hint)
	}
	return b.String()
}

// Pos is a position in a file, 1-based; zero values mean unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// At is shorthand for an error diagnostic at a position.
func At(p Pos, path, format string, args ...any) Diagnostic {
	return Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Path: path, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns d with a hint attached.
func (d Diagnostic) WithHint(format string, args ...any) Diagnostic {
	d.Hint = fmt.Sprintf(format, args...)
	return d
}

// AsWarning returns d downgraded to a warning.
func (d Diagnostic) AsWarning() Diagnostic {
	d.Severity = Warning
	return d
}

// List collects diagnostics; the zero value is ready to use.
type List []Diagnostic

// Add appends diagnostics.
func (l *List) Add(d ...Diagnostic) { *l = append(*l, d...) }

// Errorf appends an error at p.
func (l *List) Errorf(p Pos, path, format string, args ...any) {
	l.Add(At(p, path, format, args...))
}

// Warnf appends a warning at p.
func (l *List) Warnf(p Pos, path, format string, args ...any) {
	l.Add(At(p, path, format, args...).AsWarning())
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Counts returns the number of errors and warnings.
func (l List) Counts() (errors, warnings int) {
	for _, d := range l {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return
}

// Sorted returns the diagnostics ordered by file, position and text, with
// exact duplicates removed.
func (l List) Sorted() List {
	out := make(List, len(l))
	copy(out, l)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.String() < b.String()
	})
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d.String() == out[i-1].String() {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// Err returns the list as an error when it holds errors, nil otherwise.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return ListError(l.Sorted())
}

// ListError carries diagnostics through an error return.
type ListError List

func (e ListError) Error() string {
	var b strings.Builder
	for i, d := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Summary is the closing line, e.g. "2 errors, 1 warning".
func (l List) Summary() string {
	e, w := l.Counts()
	return plural(e, "error") + ", " + plural(w, "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// MaxPrinted is how many diagnostics Print writes: past it they are
// counted, not listed (the summary line still counts them all).
const MaxPrinted = 100

// Print writes the diagnostics sorted (at most MaxPrinted), each followed by its source line and
// caret when known, then the summary line.
func (l List) Print(w io.Writer) {
	sorted := l.Sorted()
	for i, d := range sorted {
		if i == MaxPrinted {
			fmt.Fprintf(w, "… and %d more\n", len(sorted)-MaxPrinted)
			break
		}
		fmt.Fprintln(w, d.String())
		if d.Source != "" {
			fmt.Fprintf(w, "    %s\n", d.Source)
			if d.Col > 0 {
				fmt.Fprintf(w, "    %s^\n", strings.Repeat(" ", d.Col-1))
			}
		}
	}
	fmt.Fprintln(w, l.Summary())
}

// PrintJSON writes the sorted diagnostics as one JSON document.
func (l List) PrintJSON(w io.Writer) error {
	e, wn := l.Counts()
	doc := struct {
		Diagnostics List `json:"diagnostics"`
		Errors      int  `json:"errors"`
		Warnings    int  `json:"warnings"`
	}{Diagnostics: l.Sorted(), Errors: e, Warnings: wn}
	if doc.Diagnostics == nil {
		doc.Diagnostics = List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
