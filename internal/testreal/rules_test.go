package testreal

// The rules of docs and HELPERS.md that a machine can check in every
// test file of the module: FailNow only on the test's goroutine, no
// upper bounds on measured wall-clock time, and no fuzz corpus without
// its fuzz test.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// moduleRoot is the directory of go.mod above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// testPackages parses every directory's _test.go files, by directory.
func testPackages(t *testing.T, root string) (map[string][]*ast.File, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "vendor", "ci-artifacts", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			// Its own package fails to build and says so.
			t.Logf("not checked: %v", err)
			return nil
		}
		pkgs[filepath.Dir(path)] = append(pkgs[filepath.Dir(path)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found test files in only %d directories under %s", len(pkgs), root)
	}
	return pkgs, fset
}

// isTestingType: *testing.T, testing.TB, *testing.B, *testing.F.
func isTestingType(e ast.Expr) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "testing" && (sel.Sel.Name == "T" || sel.Sel.Name == "TB" || sel.Sel.Name == "B" || sel.Sel.Name == "F")
}

// testingParams are the names of a function's testing parameters.
func testingParams(ft *ast.FuncType) []string {
	var names []string
	for _, p := range ft.Params.List {
		if isTestingType(p.Type) {
			for _, n := range p.Names {
				names = append(names, n.Name)
			}
		}
	}
	return names
}

var stopsGoroutine = map[string]bool{
	"Fatal": true, "Fatalf": true, "FailNow": true, "Skip": true, "Skipf": true, "SkipNow": true,
}

// calleeName is f for f(...) and x.f(...).
func calleeName(c *ast.CallExpr) string {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}

// passesTesting tells whether one of c's arguments is one of names.
func passesTesting(c *ast.CallExpr, names map[string]bool) bool {
	for _, a := range c.Args {
		if id, ok := a.(*ast.Ident); ok && names[id.Name] {
			return true
		}
	}
	return false
}

// stopsOn reports calls in body that stop the goroutine of a testing
// value in names: t.Fatal and friends, or a helper of the package (in
// failers) given t. Bodies of t.Run and of nested goroutines are their
// own goroutines, and not looked into.
func stopsOn(body ast.Node, names map[string]bool, failers map[string]bool) []*ast.CallExpr {
	var found []*ast.CallExpr
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] {
					if stopsGoroutine[sel.Sel.Name] {
						found = append(found, n)
					}
					if sel.Sel.Name == "Run" {
						return false
					}
				}
			}
			if failers[calleeName(n)] && passesTesting(n, names) {
				found = append(found, n)
			}
		}
		return true
	})
	return found
}

// failers are the package's functions and methods (by name) that can
// call FailNow on a testing value they are given.
func failers(files []*ast.File) map[string]bool {
	set := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil || set[fd.Name.Name] {
					continue
				}
				names := map[string]bool{}
				for _, n := range testingParams(fd.Type) {
					names[n] = true
				}
				if len(names) > 0 && len(stopsOn(fd.Body, names, set)) > 0 {
					set[fd.Name.Name], changed = true, true
				}
			}
		}
	}
	return set
}

// goroutineBodies are the function literals run by go statements and
// by x.Go(func() {...}) (sync.WaitGroup, errgroup).
func goroutineBodies(f *ast.File) []*ast.FuncLit {
	var lits []*ast.FuncLit
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
				lits = append(lits, lit)
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" && len(n.Args) == 1 {
				if lit, ok := n.Args[0].(*ast.FuncLit); ok {
					lits = append(lits, lit)
				}
			}
		}
		return true
	})
	return lits
}

// TestNoFailNowInGoroutines: t.Fatal (and Skip, and a helper that calls
// them) on another goroutine does not stop the test, and the testing
// package says it must not be called there. go vet sees only a direct
// t.Fatal under a go statement.
func TestNoFailNowInGoroutines(t *testing.T) {
	pkgs, fset := testPackages(t, moduleRoot(t))
	for _, files := range pkgs {
		fail := failers(files)
		for _, f := range files {
			// Every testing name in the file: a closure sees the
			// enclosing test's t.
			names := map[string]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					for _, p := range testingParams(n.Type) {
						names[p] = true
					}
				case *ast.FuncLit:
					for _, p := range testingParams(n.Type) {
						names[p] = true
					}
				}
				return true
			})
			for _, lit := range goroutineBodies(f) {
				for _, c := range stopsOn(lit.Body, names, fail) {
					t.Errorf("%s: %s can stop only the test's own goroutine; use t.Error and return", fset.Position(c.Pos()), calleeName(c))
				}
			}
		}
	}
}

func TestNoFailNowInGoroutinesFinds(t *testing.T) {
	src := `package x
func must(t testing.TB, err error) { if err != nil { t.Fatal(err) } }
func (e *env) call(t testing.TB) { must(t, nil) }
func TestX(t *testing.T) {
	wg.Go(func() { must(t, nil) })
	wg.Go(func() { e.call(t) })
	go func() { t.Fatalf("x") }()
	go func() { t.Run("sub", func(t *testing.T) { t.Fatal() }) }()
	go func() { t.Error("fine"); log.Fatal("not a test") }()
	must(t, nil)
}`
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	fail := failers([]*ast.File{f})
	if !fail["must"] || !fail["call"] {
		t.Errorf("failers %v, want must and call among them", fail)
	}
	n := 0
	for _, lit := range goroutineBodies(f) {
		n += len(stopsOn(lit.Body, map[string]bool{"t": true}, fail))
	}
	if n != 3 {
		t.Errorf("found %d calls that stop a goroutine, want 3", n)
	}
}

// measured matches a wall-clock measurement: time.Since(x) or
// time.Now().Sub(x). (A Sub of two other times may be a test clock's.)
func measured(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && sel.Sel.Name == "Since" {
		return true
	}
	if now, ok := sel.X.(*ast.CallExpr); ok && sel.Sel.Name == "Sub" {
		if ns, ok := now.Fun.(*ast.SelectorExpr); ok && ns.Sel.Name == "Now" {
			x, ok := ns.X.(*ast.Ident)
			return ok && x.Name == "time"
		}
	}
	return false
}

// upperBounds finds comparisons that fail when the measured time is
// large: "d > x", "x < d", and the like, where d is measured. A lower
// bound ("at least a second apart") cannot fail on a slow machine.
func upperBounds(f *ast.File) []ast.Node {
	vars := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for i, r := range as.Rhs {
				if i < len(as.Lhs) && measured(r) {
					if id, ok := as.Lhs[i].(*ast.Ident); ok {
						vars[id.Name] = true
					}
				}
			}
		}
		return true
	})
	isMeasured := func(e ast.Expr) bool {
		if id, ok := e.(*ast.Ident); ok {
			return vars[id.Name]
		}
		return measured(e)
	}
	var found []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		switch b.Op {
		case token.GTR, token.GEQ:
			if isMeasured(b.X) {
				found = append(found, b)
			}
		case token.LSS, token.LEQ:
			if isMeasured(b.Y) {
				found = append(found, b)
			}
		}
		return true
	})
	return found
}

// TestNoWallClockUpperBounds: under -race, on a loaded CI machine, any
// operation can take seconds; a test that fails when something took
// "too long" fails for no fault of the code. Hangs are for contexts and
// the go test timeout to catch.
func TestNoWallClockUpperBounds(t *testing.T) {
	pkgs, fset := testPackages(t, moduleRoot(t))
	for _, files := range pkgs {
		for _, f := range files {
			for _, n := range upperBounds(f) {
				t.Errorf("%s: an upper bound on measured wall-clock time", fset.Position(n.Pos()))
			}
		}
	}
}

func TestNoWallClockUpperBoundsFinds(t *testing.T) {
	src := `package x
func TestX(t *testing.T) {
	start := time.Now()
	if d := time.Since(start); d > time.Second {}
	if time.Since(start) >= time.Second {}
	if time.Second < time.Since(start) {}
	elapsed := time.Since(start)
	if elapsed < 3*interval {} // a lower bound: fine
	if gap := at[1].Sub(at[0]); gap < time.Second {} // fine
	if n > 3 {} // not a measurement
	if exp.Sub(clock.now()) > warning {} // a test clock
	if time.Now().Sub(start) > time.Minute {}
}`
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(upperBounds(f)); n != 4 {
		t.Errorf("found %d upper bounds, want 4", n)
	}
}

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)

// TestFuzzCorporaHaveTheirTests: testdata/fuzz/FuzzX next to a package
// that has no FuzzX is a corpus nobody runs (it moved, or was renamed).
func TestFuzzCorporaHaveTheirTests(t *testing.T) {
	root := moduleRoot(t)
	corpora, _ := filepath.Glob(filepath.Join(root, "*", "testdata", "fuzz", "*"))
	deeper, _ := filepath.Glob(filepath.Join(root, "*", "*", "testdata", "fuzz", "*"))
	deepest, _ := filepath.Glob(filepath.Join(root, "*", "*", "*", "testdata", "fuzz", "*"))
	corpora = append(append(corpora, deeper...), deepest...)
	for _, dir := range corpora {
		pkg := filepath.Dir(filepath.Dir(filepath.Dir(dir)))
		tests, _ := filepath.Glob(filepath.Join(pkg, "*_test.go"))
		have := map[string]bool{}
		for _, f := range tests {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range fuzzFunc.FindAllSubmatch(b, -1) {
				have[string(m[1])] = true
			}
		}
		if !have[filepath.Base(dir)] {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("%s: no %s in %s's tests: the corpus is never run", rel, filepath.Base(dir), filepath.Dir(filepath.Dir(filepath.Dir(rel))))
		}
	}
}
