//! Go's `text/tabwriter` with a space pad character and no flags, as `kubectl describe`'s
//! `tabbedString` uses it (`tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`; kubectl-output
//! reference §5.1).
//!
//! A line's tab-terminated cells are aligned with the cells of the same column on the
//! neighbouring lines that also have one: a *column block* is a run of consecutive lines with
//! a cell in that column, and its width is its widest cell plus the padding. The text after a
//! line's last tab is not a cell of any column and is written as it is. Widths count
//! characters (Go counts UTF-8 runes), which is what the describe texts need.

/// Lays out `text` as a flushed `tabwriter.Writer(minwidth, tabwidth 8, padding, ' ', 0)`.
pub fn tabwrite(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut widths = Vec::new();
    format(
        &lines,
        0,
        lines.len(),
        &mut widths,
        minwidth,
        padding,
        &mut out,
    );
    // split('\n') yields one more (empty) line than there are newlines.
    out.pop();
    out
}

/// `Writer.format`: lays out lines `line0..line1`, whose columns left of `widths.len()` are
/// already sized, finding the blocks of the next column and recursing into each.
fn format(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    minwidth: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        // Cells are tab-terminated: a line of n pieces has n − 1 cells.
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format(lines, line0, this, widths, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

/// `Writer.writeLines`: each cell padded to its column's width, the rest as written.
fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(&w) = widths.get(j)
                && j + 1 < line.len()
            {
                let n = cell.chars().count();
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_lines_with_a_cell_share_a_column_width() {
        // The pod example of kubectl-output reference §5.3: `Name:`, `Namespace:` and
        // `Priority:` pad to the widest label plus 2.
        let got = tabwrite("Name:\tweb\nNamespace:\tdefault\nPriority:\t0\n", 0, 2);
        assert_eq!(got, "Name:       web\nNamespace:  default\nPriority:   0\n");
    }

    #[test]
    fn a_line_without_a_tab_ends_the_block() {
        // `Containers:` has no tab, so the lines after it align on their own (§5.1).
        let got = tabwrite(
            "IP:\t10.0.0.1\nContainers:\n  web:\n    Image:\tnginx\n",
            0,
            2,
        );
        assert_eq!(
            got,
            "IP:  10.0.0.1\nContainers:\n  web:\n    Image:  nginx\n"
        );
    }

    #[test]
    fn nested_columns_are_sized_within_their_block() {
        // Column 0 spans all three lines (width 4 + 1); column 1 exists on lines 1 and 3
        // only, which are not consecutive, so each is its own block of width 1 + 1.
        let got = tabwrite("a\tb\tc\naa\tbbb\ncccc\td\te\n", 0, 1);
        assert_eq!(got, "a    b c\naa   bbb\ncccc d e\n");
    }

    #[test]
    fn text_after_the_last_tab_keeps_its_trailing_space() {
        // Conditions rows are written "%v \t%v \n" (§5.3): the cell's own space counts
        // towards the width (8 + 2), and the last text keeps its trailing space.
        let got = tabwrite("  Type\tStatus\n  Ready \tTrue \n", 0, 2);
        assert_eq!(got, "  Type    Status\n  Ready   True \n");
    }
}
