//! kubectl's `get` table: the client-side decoration and the tabwriter layout
//! (kubectl-output reference §1.1 and §1.3).
//!
//! Sources: `cli-runtime/pkg/printers/tableprinter.go` (`printTable`, `decorateTable`,
//! `appendCellValue`) and `cli-runtime/pkg/printers/tabwriter.go` (minwidth 6, padding 3,
//! pad character space, `github.com/liggitt/tabwriter`, a fork of Go's `text/tabwriter`).
//!
//! Simplifications: a table is laid out in one flush, which is what kubectl's pre-scan of all
//! rows achieves (§1.3); `get --watch` flushes once per change with the widths remembered
//! ([`Table::render_remembering`]); cells are strings, so Go's `fmt.Sprint` of other cell types is the caller's
//! business; ESC characters in cells are not escaped (kubesim's own cells never contain them).

use crate::model::kind::Kind;

/// Go `text/tabwriter` minimum cell width, including padding (`tabwriterMinWidth`).
const MIN_WIDTH: usize = 6;
/// Padding added to every cell that is not the last on its line (`tabwriterPadding`).
const PADDING: usize = 3;

/// One column definition, as the server-side printer declares it in `printers.go`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The name as Kubernetes defines it (`Nominated Node`, `Port(s)`); printed upper-cased.
    pub name: &'static str,
    /// `Priority: 1` in `printers.go`: shown only with `-o wide`.
    pub wide_only: bool,
}

impl Column {
    /// A column shown in every table.
    pub const fn new(name: &'static str) -> Self {
        Column {
            name,
            wide_only: false,
        }
    }

    /// A column shown only with `-o wide`.
    pub const fn wide(name: &'static str) -> Self {
        Column {
            name,
            wide_only: true,
        }
    }

    /// Whether this is the object-name column (`Format: "name"` in `printers.go`; it is always
    /// the one called `Name`), which gets the `kind/` prefix when several kinds are printed.
    fn is_name(self) -> bool {
        self.name == "Name"
    }
}

/// One object's row: the cells the server-side printer computed, plus the metadata kubectl
/// decorates with on the client (namespace for `-A`, labels for `--show-labels`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    cells: Vec<String>,
    namespace: String,
    labels: String,
}

impl Row {
    /// A row with one cell per column definition, in order (wide cells included).
    pub fn new(cells: Vec<String>) -> Self {
        Row {
            cells,
            ..Row::default()
        }
    }

    /// The object's `metadata.namespace`, printed in the NAMESPACE column of `-A`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The object's labels already formatted as `labels.FormatLabels` does (`a=b,c=d` sorted
    /// by key, or `<none>`), printed in the LABELS column of `--show-labels`.
    pub fn labels(mut self, labels: impl Into<String>) -> Self {
        self.labels = labels.into();
        self
    }
}

/// How kubectl decorates and filters the server's table (`PrintOptions` in cli-runtime).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decoration {
    /// `-o wide`: keep the wide-only columns.
    pub wide: bool,
    /// `-A` on a namespaced kind: prepend a NAMESPACE column.
    pub with_namespace: bool,
    /// `--show-labels`: append a LABELS column after every other column.
    pub show_labels: bool,
    /// Several kinds in one `get`: the NAME cell becomes `kind.group/name`
    /// (`deployment.apps/nginx`, `pod/web`).
    pub with_kind: Option<Kind>,
}

/// The table of one kind, as the API server returns it to `kubectl get` (`metav1.Table`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Row>,
}

impl Table {
    /// An empty table with these column definitions.
    pub fn new(columns: Vec<Column>) -> Self {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds one object's row. Missing cells print empty; cells beyond the column definitions
    /// are ignored, as kubectl does for a malformed server table (issue 66379).
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Whether there is nothing to print, in which case the caller prints
    /// [`no_resources_message`] to stderr instead.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The text kubectl writes to stdout, every line ending in `\n`; empty for zero rows (no
    /// header is printed then). Headers are upper-cased, wide columns dropped unless
    /// `decoration.wide`, and cells laid out by the tabwriter rules of reference §1.3.
    pub fn render(&self, decoration: Decoration) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        tabwriter(&self.lines(decoration), &mut Vec::new())
    }

    /// What one flush of `kubectl get --watch` writes: the rows, after the header when
    /// `header`, laid out with the column widths of earlier flushes (`widths`), which only
    /// grow (`RememberWidths`, reference §1.3 and §6.10): rows already printed are never
    /// re-aligned.
    pub fn render_remembering(
        &self,
        decoration: Decoration,
        header: bool,
        widths: &mut Vec<usize>,
    ) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        let lines = self.lines(decoration);
        let from = usize::from(!header);
        tabwriter(lines.get(from..).unwrap_or_default(), widths)
    }

    /// The header line, then one line per row, as cells.
    fn lines(&self, decoration: Decoration) -> Vec<Vec<String>> {
        let visible: Vec<(usize, Column)> = self
            .columns
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, c)| decoration.wide || !c.wide_only)
            .collect();

        let mut lines: Vec<Vec<String>> = Vec::with_capacity(self.rows.len() + 1);
        let mut header = Vec::new();
        if decoration.with_namespace {
            header.push("NAMESPACE".to_string());
        }
        header.extend(visible.iter().map(|(_, c)| c.name.to_uppercase()));
        if decoration.show_labels {
            header.push("LABELS".to_string());
        }
        lines.push(header);

        for row in &self.rows {
            let mut line = Vec::new();
            if decoration.with_namespace {
                line.push(cell_text(&row.namespace));
            }
            for (i, column) in &visible {
                let cell = row.cells.get(*i).map(String::as_str).unwrap_or("");
                let cell = match decoration.with_kind {
                    Some(kind) if column.is_name() => format!("{}/{cell}", kind.kind_group()),
                    _ => cell.to_string(),
                };
                line.push(cell_text(&cell));
            }
            if decoration.show_labels {
                line.push(cell_text(&row.labels));
            }
            lines.push(line);
        }
        lines
    }
}

/// What `kubectl get` writes to stderr when nothing matched (reference §1.1 item 3, `get.go`
/// `Run`): `No resources found in <ns> namespace.` for a namespaced kind in one namespace,
/// `No resources found` for cluster-scoped kinds and for `-A` (pass `None`). `kubectl delete`
/// prints the latter on stdout when nothing matched (reference §6.2).
pub fn no_resources_message(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".to_string(),
    }
}

/// `appendCellValue`: a cell is cut at the first `\n`, `\r` or `\f` and `...` appended.
fn cell_text(cell: &str) -> String {
    match cell.find(['\n', '\r', '\x0c']) {
        Some(cut) => format!("{}...", &cell[..cut]),
        None => cell.to_string(),
    }
}

/// Go `text/tabwriter` with minwidth 6, padding 3, space padding and no flags, for lines that
/// all have the same number of cells (so they form one block): every cell but the last of its
/// line is padded to its column's width, `max(6, widest cell in bytes + 3)`; the last cell is
/// written as is, so an empty last cell leaves the previous cell's padding as trailing spaces.
/// `remembered` holds the widths of earlier flushes (none for a one-flush table) and is
/// updated to this flush's.
fn tabwriter(lines: &[Vec<String>], remembered: &mut Vec<usize>) -> String {
    let cells_per_line = lines.iter().map(Vec::len).max().unwrap_or(0);
    let aligned = cells_per_line.saturating_sub(1);
    let widths: Vec<usize> = (0..aligned)
        .map(|j| {
            lines
                .iter()
                .filter_map(|line| line.get(j))
                .map(|cell| cell.len().saturating_add(PADDING))
                .fold(remembered.get(j).copied().unwrap_or(MIN_WIDTH), usize::max)
        })
        .collect();
    if widths.len() >= remembered.len() {
        remembered.clone_from(&widths);
    }
    let mut out = String::new();
    for line in lines {
        let last = line.len().saturating_sub(1);
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < last {
                let width = widths.get(j).copied().unwrap_or(MIN_WIDTH);
                let pad = width.saturating_sub(cell.len());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pod_table() -> Table {
        Table::new(vec![
            Column::new("Name"),
            Column::new("Ready"),
            Column::new("Status"),
            Column::new("Restarts"),
            Column::new("Age"),
            Column::wide("IP"),
            Column::wide("Node"),
            Column::wide("Nominated Node"),
            Column::wide("Readiness Gates"),
        ])
    }

    #[test]
    fn pods_table_matches_the_reference_layout() {
        // kubectl-output reference §1.4 Pods, first [synth] example.
        let mut t = pod_table();
        for r in [
            ["web-7d4b9c8f6d-2xk9q", "1/1", "Running", "0", "3m50s"],
            [
                "web-7d4b9c8f6d-8zt4m",
                "0/1",
                "CrashLoopBackOff",
                "5 (42s ago)",
                "10m",
            ],
            ["db-0", "0/1", "Pending", "0", "45s"],
            ["migrate-x7k2p", "0/1", "Completed", "0", "2d3h"],
            ["init-demo", "0/1", "Init:0/1", "0", "8s"],
            [
                "api-5f6c9b7d8-qq2wn",
                "0/1",
                "ImagePullBackOff",
                "0",
                "2m1s",
            ],
        ] {
            let mut c = cells(&r);
            c.extend(cells(&["<none>", "<none>", "<none>", "<none>"]));
            t.push(Row::new(c));
        }
        let want = "\
NAME                   READY   STATUS             RESTARTS      AGE
web-7d4b9c8f6d-2xk9q   1/1     Running            0             3m50s
web-7d4b9c8f6d-8zt4m   0/1     CrashLoopBackOff   5 (42s ago)   10m
db-0                   0/1     Pending            0             45s
migrate-x7k2p          0/1     Completed          0             2d3h
init-demo              0/1     Init:0/1           0             8s
api-5f6c9b7d8-qq2wn    0/1     ImagePullBackOff   0             2m1s
";
        assert_eq!(t.render(Decoration::default()), want);
    }

    #[test]
    fn wide_keeps_the_priority_columns_with_upper_cased_multi_word_headers() {
        // reference §1.4 Pods, `-o wide` [synth] example.
        let mut t = pod_table();
        t.push(Row::new(cells(&[
            "web-7d4b9c8f6d-2xk9q",
            "1/1",
            "Running",
            "0",
            "5h30m",
            "10.244.1.12",
            "worker-1",
            "<none>",
            "<none>",
        ])));
        t.push(Row::new(cells(&[
            "db-0", "0/1", "Pending", "0", "45s", "<none>", "<none>", "<none>", "<none>",
        ])));
        let want = "\
NAME                   READY   STATUS    RESTARTS   AGE     IP            NODE       NOMINATED NODE   READINESS GATES
web-7d4b9c8f6d-2xk9q   1/1     Running   0          5h30m   10.244.1.12   worker-1   <none>           <none>
db-0                   0/1     Pending   0          45s     <none>        <none>     <none>           <none>
";
        assert_eq!(
            t.render(Decoration {
                wide: true,
                ..Decoration::default()
            }),
            want
        );
    }

    #[test]
    fn all_namespaces_prepends_a_namespace_column() {
        // reference §1.4 Pods, `-A` [synth] example.
        let mut t = pod_table();
        t.push(
            Row::new(cells(&[
                "web-7d4b9c8f6d-2xk9q",
                "1/1",
                "Running",
                "0",
                "8d",
            ]))
            .namespace("default"),
        );
        t.push(
            Row::new(cells(&[
                "coredns-5dd5756b68-7xq2z",
                "1/1",
                "Running",
                "1 (2d3h ago)",
                "8d",
            ]))
            .namespace("kube-system"),
        );
        let want = "\
NAMESPACE     NAME                       READY   STATUS    RESTARTS       AGE
default       web-7d4b9c8f6d-2xk9q       1/1     Running   0              8d
kube-system   coredns-5dd5756b68-7xq2z   1/1     Running   1 (2d3h ago)   8d
";
        assert_eq!(
            t.render(Decoration {
                with_namespace: true,
                ..Decoration::default()
            }),
            want
        );
    }

    #[test]
    fn an_empty_last_cell_keeps_the_previous_cells_padding() {
        // reference §1.3 [test]: `node/foo   Unknown   <none>   <unknown>   ` — a node with an
        // empty VERSION, printed with its kind.
        let mut t = Table::new(vec![
            Column::new("Name"),
            Column::new("Status"),
            Column::new("Roles"),
            Column::new("Age"),
            Column::new("Version"),
        ]);
        t.push(Row::new(cells(&[
            "foo",
            "Unknown",
            "<none>",
            "<unknown>",
            "",
        ])));
        let out = t.render(Decoration {
            with_kind: Some(Kind::Node),
            ..Decoration::default()
        });
        let row = out.lines().nth(1).expect("a header and one row");
        assert_eq!(row, "node/foo   Unknown   <none>   <unknown>   ");
    }

    #[test]
    fn column_width_is_the_widest_cell_plus_three_but_at_least_six() {
        // reference §1.3: NAME over foo and bar is max(6, 4+3) = 7; a column of 1-3 character
        // cells is still 6 wide; the last cell is never padded.
        let mut t = Table::new(vec![
            Column::new("Name"),
            Column::new("X"),
            Column::new("Age"),
        ]);
        t.push(Row::new(cells(&["foo", "a", "1s"])));
        t.push(Row::new(cells(&["bar", "bb", "2s"])));
        assert_eq!(
            t.render(Decoration::default()),
            "NAME   X     AGE\nfoo    a     1s\nbar    bb    2s\n"
        );
    }

    #[test]
    fn widths_are_counted_in_bytes_not_characters() {
        // reference §1.3: "Widths are measured in bytes, not runes."
        let mut t = Table::new(vec![Column::new("Name"), Column::new("Age")]);
        t.push(Row::new(cells(&["é", "1s"])));
        t.push(Row::new(cells(&["abcdé", "1s"])));
        // "abcdé" is 6 bytes, so the column is 9 wide; "é" (2 bytes) gets 7 spaces.
        assert_eq!(
            t.render(Decoration::default()),
            "NAME     AGE\né       1s\nabcdé   1s\n"
        );
    }

    #[test]
    fn watch_flushes_remember_widths_and_a_wider_cell_widens_only_later_rows() {
        // Reference §3.3's real `-w` transcript (RememberWidths, §1.3/§6.10): the list flush
        // sizes RESTARTS for `4 (53s ago)`; a later `5 (104s ago)` pushes only its own row's
        // AGE, and the rows after it keep the grown width.
        let mut widths = Vec::new();
        let one = |cells: [&str; 5]| {
            let mut t = pod_table();
            t.push(Row::new(cells.iter().map(|c| c.to_string()).collect()));
            t
        };
        let name = "www-deployment-77d6574796-bhktm";
        let deco = Decoration::default();
        let mut out = one([name, "0/1", "CrashLoopBackOff", "4 (53s ago)", "2m37s"])
            .render_remembering(deco, true, &mut widths);
        for (cells, header) in [
            ([name, "0/1", "Error", "5 (92s ago)", "3m16s"], false),
            (
                [name, "0/1", "CrashLoopBackOff", "5 (12s ago)", "3m28s"],
                false,
            ),
            (
                [name, "0/1", "CrashLoopBackOff", "5 (104s ago)", "5m"],
                false,
            ),
            (
                [name, "0/1", "CrashLoopBackOff", "5 (2m ago)", "5m30s"],
                false,
            ),
        ] {
            out.push_str(&one(cells).render_remembering(deco, header, &mut widths));
        }
        assert_eq!(
            out,
            "NAME                              READY   STATUS             RESTARTS      AGE
www-deployment-77d6574796-bhktm   0/1     CrashLoopBackOff   4 (53s ago)   2m37s
www-deployment-77d6574796-bhktm   0/1     Error              5 (92s ago)   3m16s
www-deployment-77d6574796-bhktm   0/1     CrashLoopBackOff   5 (12s ago)   3m28s
www-deployment-77d6574796-bhktm   0/1     CrashLoopBackOff   5 (104s ago)   5m
www-deployment-77d6574796-bhktm   0/1     CrashLoopBackOff   5 (2m ago)     5m30s
"
        );
    }

    #[test]
    fn zero_rows_print_nothing_not_even_the_header() {
        // reference §1.1 item 3.
        let t = pod_table();
        assert!(t.is_empty());
        assert_eq!(t.render(Decoration::default()), "");
    }

    #[test]
    fn no_resources_message_names_the_namespace_only_when_there_is_one() {
        // reference §1.1 item 3 / get.go Run.
        assert_eq!(
            no_resources_message(Some("default")),
            "No resources found in default namespace."
        );
        assert_eq!(no_resources_message(None), "No resources found");
    }

    #[test]
    fn several_kinds_prefix_the_name_cell_with_kind_and_group() {
        // reference §1.1 item 6: `deployment.apps/nginx`; docs example of a deployment table.
        let mut t = Table::new(vec![
            Column::new("Name"),
            Column::new("Ready"),
            Column::new("Up-to-date"),
            Column::new("Available"),
            Column::new("Age"),
            Column::wide("Containers"),
            Column::wide("Images"),
            Column::wide("Selector"),
        ]);
        t.push(Row::new(cells(&[
            "nginx-deployment",
            "3/3",
            "3",
            "3",
            "18s",
        ])));
        assert_eq!(
            t.render(Decoration::default()),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n\
             nginx-deployment   3/3     3            3           18s\n"
        );
        let with_kind = t.render(Decoration {
            with_kind: Some(Kind::Deployment),
            ..Decoration::default()
        });
        assert!(with_kind.contains("\ndeployment.apps/nginx-deployment   3/3 "));
    }

    #[test]
    fn show_labels_appends_labels_after_the_wide_columns() {
        // reference §1.1 item 5; deployment wide [synth] example plus LABELS.
        let mut t = Table::new(vec![
            Column::new("Name"),
            Column::new("Ready"),
            Column::new("Up-to-date"),
            Column::new("Available"),
            Column::new("Age"),
            Column::wide("Containers"),
            Column::wide("Images"),
            Column::wide("Selector"),
        ]);
        t.push(
            Row::new(cells(&[
                "nginx",
                "3/3",
                "3",
                "3",
                "18s",
                "nginx",
                "nginx:1.25",
                "app=nginx",
            ]))
            .labels("app=nginx"),
        );
        let wide = Decoration {
            wide: true,
            ..Decoration::default()
        };
        assert_eq!(
            t.render(wide),
            "NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n\
             nginx   3/3     3            3           18s   nginx        nginx:1.25   app=nginx\n"
        );
        let labelled = t.render(Decoration {
            show_labels: true,
            ..wide
        });
        assert!(labelled.starts_with(
            "NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR    LABELS\n"
        ));
        assert!(labelled.ends_with("app=nginx   app=nginx\n"));
    }

    #[test]
    fn services_nodes_secrets_and_events_match_the_reference_examples() {
        // reference §1.4 Services [synth].
        let mut svc = Table::new(vec![
            Column::new("Name"),
            Column::new("Type"),
            Column::new("Cluster-IP"),
            Column::new("External-IP"),
            Column::new("Port(s)"),
            Column::new("Age"),
            Column::wide("Selector"),
        ]);
        for r in [
            [
                "kubernetes",
                "ClusterIP",
                "10.96.0.1",
                "<none>",
                "443/TCP",
                "8d",
            ],
            [
                "web",
                "NodePort",
                "10.101.73.255",
                "<none>",
                "80:30852/TCP",
                "20s",
            ],
            [
                "lb",
                "LoadBalancer",
                "10.107.139.65",
                "<pending>",
                "80:30551/TCP",
                "133m",
            ],
            ["db", "ClusterIP", "None", "<none>", "5432/TCP", "3h"],
            [
                "ext",
                "ExternalName",
                "<none>",
                "db.example.com",
                "<none>",
                "5s",
            ],
        ] {
            svc.push(Row::new(cells(&r)));
        }
        assert_eq!(
            svc.render(Decoration::default()),
            "\
NAME         TYPE           CLUSTER-IP      EXTERNAL-IP      PORT(S)        AGE
kubernetes   ClusterIP      10.96.0.1       <none>           443/TCP        8d
web          NodePort       10.101.73.255   <none>           80:30852/TCP   20s
lb           LoadBalancer   10.107.139.65   <pending>        80:30551/TCP   133m
db           ClusterIP      None            <none>           5432/TCP       3h
ext          ExternalName   <none>          db.example.com   <none>         5s
"
        );

        // reference §1.4 Nodes [synth].
        let mut nodes = Table::new(vec![
            Column::new("Name"),
            Column::new("Status"),
            Column::new("Roles"),
            Column::new("Age"),
            Column::new("Version"),
            Column::wide("Internal-IP"),
        ]);
        for r in [
            ["cp-1", "Ready", "control-plane", "8d", "v1.30.2"],
            [
                "worker-1",
                "Ready,SchedulingDisabled",
                "<none>",
                "8d",
                "v1.30.2",
            ],
            ["worker-2", "NotReady", "<none>", "2y", "v1.30.2"],
        ] {
            nodes.push(Row::new(cells(&r)));
        }
        assert_eq!(
            nodes.render(Decoration::default()),
            "\
NAME       STATUS                     ROLES           AGE   VERSION
cp-1       Ready                      control-plane   8d    v1.30.2
worker-1   Ready,SchedulingDisabled   <none>          8d    v1.30.2
worker-2   NotReady                   <none>          2y    v1.30.2
"
        );

        // reference §1.4 Secrets [synth].
        let mut secrets = Table::new(vec![
            Column::new("Name"),
            Column::new("Type"),
            Column::new("Data"),
            Column::new("Age"),
        ]);
        secrets.push(Row::new(cells(&["db-pass", "Opaque", "2", "5m"])));
        secrets.push(Row::new(cells(&[
            "regcred",
            "kubernetes.io/dockerconfigjson",
            "1",
            "3h",
        ])));
        assert_eq!(
            secrets.render(Decoration::default()),
            "\
NAME      TYPE                             DATA   AGE
db-pass   Opaque                           2      5m
regcred   kubernetes.io/dockerconfigjson   1      3h
"
        );

        // reference §1.4 Events: the [synth] header and row verbatim, with the [docs] row
        // (`Warning`/`BackOff`) that gives TYPE its width of 10. NAME is a wide column there,
        // so a kind prefix (several kinds) does not touch the visible cells.
        let mut events = Table::new(vec![
            Column::new("Last Seen"),
            Column::new("Type"),
            Column::new("Reason"),
            Column::new("Object"),
            Column::wide("Subobject"),
            Column::wide("Source"),
            Column::new("Message"),
            Column::wide("First Seen"),
            Column::wide("Count"),
            Column::wide("Name"),
        ]);
        events.push(Row::new(cells(&[
            "34s",
            "Normal",
            "Scheduled",
            "pod/web-7d4b9c8f6d-2xk9q",
            "",
            "default-scheduler",
            "Successfully assigned default/web-7d4b9c8f6d-2xk9q to worker-1",
            "34s",
            "1",
            "web-7d4b9c8f6d-2xk9q.17a",
        ])));
        events.push(Row::new(cells(&[
            "3m14s",
            "Warning",
            "BackOff",
            "pod/custom-cmd",
            "",
            "kubelet",
            "Back-off restarting failed container",
            "5m",
            "7",
            "custom-cmd.17b",
        ])));
        assert_eq!(
            events.render(Decoration {
                with_kind: Some(Kind::Event),
                ..Decoration::default()
            }),
            "\
LAST SEEN   TYPE      REASON      OBJECT                     MESSAGE
34s         Normal    Scheduled   pod/web-7d4b9c8f6d-2xk9q   Successfully assigned default/web-7d4b9c8f6d-2xk9q to worker-1
3m14s       Warning   BackOff     pod/custom-cmd             Back-off restarting failed container
"
        );
    }

    #[test]
    fn multi_line_cells_are_cut_with_an_ellipsis_and_short_rows_do_not_panic() {
        // reference §1.1 item 7 (appendCellValue); issue 66379 for malformed rows.
        let mut t = Table::new(vec![Column::new("Name"), Column::new("Message")]);
        t.push(Row::new(cells(&["a", "first line\nsecond"])));
        t.push(Row::new(cells(&["b"])));
        t.push(Row::new(cells(&["c", "x", "extra"])));
        assert_eq!(
            t.render(Decoration::default()),
            "NAME   MESSAGE\na      first line...\nb      \nc      x\n"
        );
    }
}
