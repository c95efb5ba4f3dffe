package sandbox

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// A small parser/evaluator for Okta's SCIM-like search and filter expressions:
//   expr   := term { "or" term }
//   term   := factor { "and" factor }
//   factor := "(" expr ")" | "not" factor | attr op value | attr "pr"
// Operators: eq, sw, co, gt, ge, lt, le, pr. Keywords are case-insensitive.

type exprNode interface {
	eval(get attrGetter) bool
}

// attrGetter returns the attribute value and whether it is present.
type attrGetter func(attr string) (string, bool)

type andNode struct{ l, r exprNode }
type orNode struct{ l, r exprNode }
type notNode struct{ x exprNode }
type cmpNode struct {
	attr, op, value string
	caseSensitive   bool
}

func (n andNode) eval(g attrGetter) bool { return n.l.eval(g) && n.r.eval(g) }
func (n orNode) eval(g attrGetter) bool  { return n.l.eval(g) || n.r.eval(g) }
func (n notNode) eval(g attrGetter) bool { return !n.x.eval(g) }

func (n cmpNode) eval(g attrGetter) bool {
	v, ok := g(n.attr)
	if n.op == "pr" {
		return ok && v != ""
	}
	if !ok {
		return false
	}
	a, b := v, n.value
	if !n.caseSensitive {
		a, b = strings.ToLower(a), strings.ToLower(b)
	}
	switch n.op {
	case "eq":
		return a == b
	case "sw":
		return strings.HasPrefix(a, b)
	case "co":
		return strings.Contains(a, b)
	case "gt", "ge", "lt", "le":
		ta, err1 := time.Parse(time.RFC3339, v)
		tb, err2 := time.Parse(time.RFC3339, n.value)
		var c int
		if err1 == nil && err2 == nil {
			c = ta.Compare(tb)
		} else {
			c = strings.Compare(a, b)
		}
		switch n.op {
		case "gt":
			return c > 0
		case "ge":
			return c >= 0
		case "lt":
			return c < 0
		default:
			return c <= 0
		}
	}
	return false
}

type searchRules struct {
	// allowed reports whether attr may be used with op.
	allowed       func(attr, op string) error
	caseSensitive bool
}

type tokenizer struct {
	s   string
	pos int
}

func (t *tokenizer) skip() {
	for t.pos < len(t.s) && unicode.IsSpace(rune(t.s[t.pos])) {
		t.pos++
	}
}

// next returns the next token; quoted strings are returned with quote=true.
func (t *tokenizer) next() (tok string, quote bool, err error) {
	t.skip()
	if t.pos >= len(t.s) {
		return "", false, nil
	}
	c := t.s[t.pos]
	switch c {
	case '(', ')':
		t.pos++
		return string(c), false, nil
	case '"':
		t.pos++
		var b strings.Builder
		for t.pos < len(t.s) {
			c := t.s[t.pos]
			if c == '\\' && t.pos+1 < len(t.s) {
				b.WriteByte(t.s[t.pos+1])
				t.pos += 2
				continue
			}
			if c == '"' {
				t.pos++
				return b.String(), true, nil
			}
			b.WriteByte(c)
			t.pos++
		}
		return "", false, fmt.Errorf("unterminated string")
	default:
		start := t.pos
		for t.pos < len(t.s) && !unicode.IsSpace(rune(t.s[t.pos])) && t.s[t.pos] != '(' && t.s[t.pos] != ')' && t.s[t.pos] != '"' {
			t.pos++
		}
		return t.s[start:t.pos], false, nil
	}
}

func (t *tokenizer) peek() (string, bool) {
	save := t.pos
	tok, q, _ := t.next()
	t.pos = save
	return tok, q
}

func parseSearch(expr string, rules searchRules) (exprNode, error) {
	t := &tokenizer{s: expr}
	p := &searchParser{t: t, rules: rules}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if tok, _, _ := t.next(); tok != "" {
		return nil, fmt.Errorf("unexpected %q", tok)
	}
	return n, nil
}

type searchParser struct {
	t     *tokenizer
	rules searchRules
}

func (p *searchParser) expr() (exprNode, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		tok, q := p.t.peek()
		if q || !strings.EqualFold(tok, "or") {
			return l, nil
		}
		_, _, _ = p.t.next() // consume the "or" peek returned; an unquoted token cannot fail
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
}

func (p *searchParser) term() (exprNode, error) {
	l, err := p.factor()
	if err != nil {
		return nil, err
	}
	for {
		tok, q := p.t.peek()
		if q || !strings.EqualFold(tok, "and") {
			return l, nil
		}
		_, _, _ = p.t.next() // consume the "and" peek returned; an unquoted token cannot fail
		r, err := p.factor()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
}

func (p *searchParser) factor() (exprNode, error) {
	tok, q, err := p.t.next()
	if err != nil {
		return nil, err
	}
	if tok == "" && !q {
		return nil, fmt.Errorf("unexpected end of expression")
	}
	if !q && tok == "(" {
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c, _, _ := p.t.next(); c != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return n, nil
	}
	if !q && strings.EqualFold(tok, "not") {
		x, err := p.factor()
		return notNode{x}, err
	}
	if q {
		return nil, fmt.Errorf("expected attribute, got string")
	}
	attr := tok
	op, q, _ := p.t.next()
	op = strings.ToLower(op)
	if q || op == "" {
		return nil, fmt.Errorf("expected operator after %s", attr)
	}
	if err := p.rules.allowed(attr, op); err != nil {
		return nil, err
	}
	if op == "pr" {
		return cmpNode{attr: attr, op: op}, nil
	}
	switch op {
	case "eq", "sw", "co", "gt", "ge", "lt", "le":
	default:
		return nil, fmt.Errorf("unsupported operator %q", op)
	}
	val, q, err := p.t.next()
	if err != nil {
		return nil, err
	}
	if !q {
		// Booleans/numbers may be unquoted.
		if val == "" || val == "(" || val == ")" {
			return nil, fmt.Errorf("expected value after %s %s", attr, op)
		}
	}
	return cmpNode{attr: attr, op: op, value: val, caseSensitive: p.rules.caseSensitive}, nil
}
