package checks

import (
	"strings"
)

// Table is a result's detail as rows under named columns. The JSON report carries it as it is,
// Markdown as a table; the text report and the TUI, which must fit 80 columns, give a row per line.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// RowText is row i in one line, its cells in column order, for narrow screens.
func (t Table) RowText(i int) string {
	var cells []string
	for _, c := range t.Rows[i] {
		if c == "" {
			c = "-"
		}
		cells = append(cells, c)
	}
	return strings.Join(cells, " · ")
}

func (t *Table) makePrintable() {
	for i := range t.Columns {
		t.Columns[i] = Printable(t.Columns[i])
	}
	for _, row := range t.Rows {
		for j := range row {
			row[j] = Printable(row[j])
		}
	}
}
