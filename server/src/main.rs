//! `heaplens`: serve snapshots to the browser app, or print heapy's tables in a terminal.
//! Here only the command line (clap) and which function runs each command: `serve` is in
//! `http::serve`, each other command in the `cli` module of its feature's folder.

mod bench;

/// mimalloc: under many concurrent requests glibc's per-thread arenas kept the server's RSS
/// growing (docs/benchmarks.md, "Under load"); `--no-default-features` builds without it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use heaplens_server::http::serve::{serve, Serve};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "heaplens", version, about = "A visual heap browser for Python, modelled on guppy3's heapy")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve snapshots and the browser app over HTTP.
    Serve {
        /// Snapshot files to load.
        snapshots: Vec<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878")]
        addr: SocketAddr,
        /// Folder of the built app (Trunk's dist); without it only /api is served.
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        /// The store: a folder where uploads are kept (by content, with an SQLite database of
        /// names, tags and notes) across restarts; loose *.hls files in it are served too.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Memory for indexed heaps, in MiB; beyond it the least recently used stored ones are
        /// unloaded (and loaded again when asked for).
        #[arg(long, default_value_t = heaplens_server::store::DEFAULT_BUDGET >> 20)]
        memory_budget: u64,
        /// Largest snapshot upload accepted, in bytes.
        #[arg(long, default_value_t = 4 << 30)]
        max_upload: u64,
        /// Seconds one analysis (a partition, paths, a referrer graph...) may run before it is
        /// stopped and answered 503 `budget_exceeded`.
        #[arg(long, value_name = "SECONDS", default_value_t = heaplens_server::http::work::DEFAULT_WORK_BUDGET.as_secs_f64())]
        work_budget: f64,
        /// Stop by itself after this many seconds (for tests and demos).
        #[arg(long)]
        exit_after: Option<u64>,
        /// Access token (at least 16 characters) every API request must carry: `Authorization:
        /// Bearer TOKEN`, or a session cookie after logging in on the page with it.
        #[arg(long, env = "HEAPLENS_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Listen on a non-loopback address without a token (anyone who reaches it reads the heaps).
        #[arg(long)]
        insecure_public: bool,
        /// The origin browsers reach this server at behind a proxy (e.g. https://heaps.example.com):
        /// its host is served besides localhost, its pages may send changes and frame the app,
        /// and with https the session cookies are `Secure`.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
    },
    /// Print heapy's partition table of a snapshot, e.g. `heaplens table x.hls --by type`.
    Table {
        snapshot: PathBuf,
        /// Relation to partition by: clodo (default), type, size, module.
        #[arg(long)]
        by: Option<String>,
        /// Query selecting the set, e.g. `heap.byclodo[2]`.
        #[arg(long, default_value = "heap")]
        query: String,
        /// Print every row instead of heapy's first ten.
        #[arg(long)]
        all: bool,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
        /// Append the table to this heapy dump file (as heapy's `.dump()` appends) instead of printing it.
        #[arg(long, value_name = "OUT")]
        heapy_dump: Option<PathBuf>,
    },
    /// heapy's table of B's objects that were not in A: two snapshots of one process, A first.
    Newobjects {
        a: PathBuf,
        b: PathBuf,
        /// Relation to partition by (default clodo).
        #[arg(long)]
        by: Option<String>,
        /// Show A's objects that are gone in B instead.
        #[arg(long)]
        gone: bool,
        /// Print every row instead of heapy's first ten.
        #[arg(long)]
        all: bool,
        /// Print the rows as JSON (every row).
        #[arg(long)]
        json: bool,
    },
    /// Print heapy's `shpaths` of a set: every shortest path from the root (at most ten shown).
    Shpaths {
        snapshot: PathBuf,
        /// Query selecting the set, e.g. `@0x7f3a12c0` or `heap.byclodo["dict of app.Node"]`.
        #[arg(long)]
        query: String,
    },
    /// Print heapy's reference pattern (`rp`) of a set: its referrers by kind, as a tree.
    Rp {
        snapshot: PathBuf,
        /// Query selecting the set, e.g. `@0x7f3a12c0`.
        #[arg(long)]
        query: String,
        /// How many levels of referrers (heapy's default 7).
        #[arg(long, default_value_t = heaplens_engine::rp::DEFAULT_DEPTH)]
        depth: u32,
    },
    /// heapy dump files (`.dump()` / `hp.load()`): `heaplens heapy-dump show FILE`.
    #[command(subcommand)]
    HeapyDump(HeapyDumpCommand),
    /// Time load, index, every relation's whole-heap partition and a query (benchmarks).
    Bench {
        snapshot: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The drill-down query to time (default `heap.byclodo[0].byrcs[0].bytype`).
        #[arg(long)]
        query: Option<String>,
        /// Time each partition this many times and report the best and the median.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Print heapy's `A.diff(B)` of two snapshots: A's set minus B's, rows matched by label.
    Diff {
        a: PathBuf,
        b: PathBuf,
        /// Relation to partition both sets by (default: the query's `.byX`, else clodo).
        #[arg(long)]
        by: Option<String>,
        /// Query selecting A's set (and B's, unless --query-b is given).
        #[arg(long, default_value = "heap")]
        query: String,
        /// Query selecting B's set.
        #[arg(long)]
        query_b: Option<String>,
        /// Print every row instead of heapy's first ten.
        #[arg(long)]
        all: bool,
        /// Print the diff as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print heapy's `A.disjoint(B)` (True or False) for two queries on one snapshot.
    Disjoint { snapshot: PathBuf, query_a: String, query_b: String },
    /// Write a copy of a snapshot without the heap's data strings (docs/redaction.md).
    Redact {
        input: PathBuf,
        output: PathBuf,
        /// `redact`: data strings become their length and a hash; `none`: dropped.
        #[arg(long, default_value = "redact")]
        values: String,
    },
    /// Capture a running CPython process (3.9+) that never imported heaplens: the snapshot is
    /// written to FILE (or uploaded to a server) while the process keeps running.
    Attach {
        pid: u32,
        /// Where to write the snapshot (default heaplens-PID.hls).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Upload the snapshot to this heaplens server (base URL) instead of writing a file.
        #[arg(long, conflicts_with = "out")]
        server: Option<String>,
        /// The token the server wants (default $HEAPLENS_TOKEN).
        #[arg(long, env = "HEAPLENS_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The snapshot's name (default attach-PID).
        #[arg(long)]
        name: Option<String>,
        /// Low pause: the target forks and a child process walks and writes (`dump(fork=True)`).
        #[arg(long)]
        fork: bool,
        /// Keep identities in the target, so that two attaches give an identity diff
        /// (`heaplens newobjects a.hls b.hls`); costs memory per object (docs/identity.md).
        #[arg(long)]
        track: bool,
        /// Give up after this many seconds (the target keeps running).
        #[arg(long, default_value_t = 300.0)]
        timeout: f64,
        /// No progress lines on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Write a synthetic snapshot of N objects (realistic mix of kinds, degrees, edge names).
    Synth {
        objects: u64,
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum HeapyDumpCommand {
    /// Print a package's table as guppy prints `hp.load(FILE)` (the first package by default).
    Show {
        file: PathBuf,
        /// The package to print (0-based, in file order).
        #[arg(long, conflicts_with = "all")]
        package: Option<usize>,
        /// Print every package, separated by blank lines.
        #[arg(long)]
        all: bool,
        /// Print every row (heapy's `.all`) instead of the first ten.
        #[arg(long)]
        all_rows: bool,
        /// Print the packages as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Prints a command's output; a closed pipe (`heaplens table x.hls | head`) is not an error.
fn print_out(text: &str) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("heaplens: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    use heaplens_server::{diff, identity, object, partition, rp, series, store};
    let cli = Cli::parse();
    match cli.command {
        Command::Table { snapshot, by, query, heapy_dump: Some(out), .. } => {
            text_or_error(series::cli::table_dump(&snapshot, &query, by.as_deref(), &out))
        }
        Command::HeapyDump(HeapyDumpCommand::Show { file, package, all, all_rows, json }) => {
            use series::cli::Which;
            let which = if all { Which::All } else { package.map_or(Which::First, Which::Nth) };
            text_or_error(series::cli::show(&file, which, all_rows, json))
        }
        Command::Table { snapshot, by, query, all, json, heapy_dump: None } => {
            text_or_error(partition::cli::table(&snapshot, &query, by.as_deref(), all, json))
        }
        Command::Newobjects { a, b, by, gone, all, json } => {
            text_or_error(identity::cli::newobjects(&a, &b, by.as_deref(), gone, all, json))
        }
        Command::Shpaths { snapshot, query } => text_or_error(object::cli::shpaths(&snapshot, &query)),
        Command::Rp { snapshot, query, depth } => text_or_error(rp::cli::rp(&snapshot, &query, depth)),
        Command::Bench { snapshot, json, query, repeat } => {
            text_or_error(bench::bench(&snapshot, query.as_deref(), repeat).map(|report| {
                if json {
                    report.to_string()
                } else {
                    bench::bench_text(&report)
                }
            }))
        }
        Command::Diff { a, b, by, query, query_b, all, json } => {
            text_or_error(diff::cli::diff_cmd(&a, &b, &query, query_b.as_deref(), by.as_deref(), all, json))
        }
        Command::Disjoint { snapshot, query_a, query_b } => {
            text_or_error(diff::cli::disjoint_cmd(&snapshot, &query_a, &query_b))
        }
        Command::Redact { input, output, values } => text_or_error(store::cli::redact(&input, &output, &values)),
        Command::Attach { pid, out, server, token, name, fork, track, timeout, quiet } => {
            let opts = heaplens_server::attach::Options {
                pid,
                out,
                server,
                token,
                name,
                fork,
                track,
                timeout: std::time::Duration::from_secs_f64(timeout.max(0.1)),
                progress: !quiet,
            };
            match heaplens_server::attach::attach(&opts) {
                Ok(done) => {
                    let objects = done.stats["objects"].as_u64().unwrap_or(0);
                    match &done.file {
                        Some(f) => print_out(&format!(
                            "{}: {objects} objects from process {pid} in {:.2} s",
                            f.display(),
                            done.seconds
                        )),
                        None => print_out(&done.stats.to_string()),
                    }
                }
                Err(e) => {
                    eprintln!("heaplens: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Synth { objects, out, seed } => text_or_error(bench::synth(objects, &out, seed)),
        Command::Serve {
            snapshots,
            addr,
            static_dir,
            data,
            memory_budget,
            max_upload,
            work_budget,
            exit_after,
            token,
            insecure_public,
            public_url,
        } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
                )
                .init();
            let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
            let opts = Serve {
                snapshots,
                addr,
                static_dir,
                data,
                max_upload,
                exit_after,
                token,
                insecure_public,
                memory_budget: memory_budget << 20,
                public_url,
                work_budget,
            };
            match runtime.block_on(serve(opts)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Prints a command's text, or its error with exit status 2.
fn text_or_error(r: Result<String, String>) -> ExitCode {
    match r {
        Ok(text) => print_out(&text),
        Err(msg) => {
            eprintln!("heaplens: {msg}");
            ExitCode::from(2)
        }
    }
}
