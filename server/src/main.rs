//! `heaplens`: serve snapshots to the browser app, or print heapy's tables in a terminal.

mod bench;

use clap::{Parser, Subcommand};
use heaplens_server::api::{router_with, AppState};
use heaplens_server::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    let cli = Cli::parse();
    match cli.command {
        Command::Table { snapshot, by, query, heapy_dump: Some(out), .. } => {
            match heaplens_server::cli_heapydump::table_dump(&snapshot, &query, by.as_deref(), &out) {
                Ok(line) => print_out(&line),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::HeapyDump(HeapyDumpCommand::Show { file, package, all, all_rows, json }) => {
            use heaplens_server::cli_heapydump::{show, Which};
            let which = if all { Which::All } else { package.map_or(Which::First, Which::Nth) };
            match show(&file, which, all_rows, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Table { snapshot, by, query, all, json, heapy_dump: None } => {
            match heaplens_server::cli::table(&snapshot, &query, by.as_deref(), all, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Newobjects { a, b, by, gone, all, json } => {
            match heaplens_server::cli_identity::newobjects(&a, &b, by.as_deref(), gone, all, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Shpaths { snapshot, query } => text_or_error(heaplens_server::cli_paths::shpaths(&snapshot, &query)),
        Command::Rp { snapshot, query, depth } => {
            text_or_error(heaplens_server::cli_paths::rp(&snapshot, &query, depth))
        }
        Command::Bench { snapshot, json, query, repeat } => match bench::bench(&snapshot, query.as_deref(), repeat) {
            Ok(report) if json => print_out(&report.to_string()),
            Ok(report) => print_out(&bench::bench_text(&report)),
            Err(msg) => {
                eprintln!("heaplens: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Diff { a, b, by, query, query_b, all, json } => {
            match heaplens_server::cli_diff::diff_cmd(&a, &b, &query, query_b.as_deref(), by.as_deref(), all, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Disjoint { snapshot, query_a, query_b } => {
            match heaplens_server::cli_diff::disjoint_cmd(&snapshot, &query_a, &query_b) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Redact { input, output, values } => {
            match heaplens_server::cli_redact::redact(&input, &output, &values) {
                Ok(line) => print_out(&line),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
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
        Command::Synth { objects, out, seed } => match bench::synth(objects, &out, seed) {
            Ok(line) => print_out(&line),
            Err(msg) => {
                eprintln!("heaplens: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Serve {
            snapshots,
            addr,
            static_dir,
            data,
            memory_budget,
            max_upload,
            exit_after,
            token,
            insecure_public,
        } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
                )
                .init();
            let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
            let access = Access { token, insecure_public, memory_budget: memory_budget << 20 };
            match runtime.block_on(serve(snapshots, addr, static_dir, data, max_upload, exit_after, access)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

async fn serve(
    snapshots: Vec<PathBuf>,
    addr: SocketAddr,
    static_dir: Option<PathBuf>,
    data: Option<PathBuf>,
    max_upload: u64,
    exit_after: Option<u64>,
    access: Access,
) -> Result<(), String> {
    if !addr.ip().is_loopback() {
        if access.token.is_none() && !access.insecure_public {
            return Err(format!(
                "refusing to listen on {addr} without an access token: heaps hold secrets. Give --token \
                 (or HEAPLENS_TOKEN), listen on 127.0.0.1, or say --insecure-public"
            ));
        }
        if access.token.is_none() {
            tracing::warn!(
                "listening on {addr} without a token (--insecure-public): anyone who can reach it can read the heaps"
            );
        }
    }
    let key_file = data.as_ref().map(|d| d.join("secret.key"));
    if let Some(d) = &data {
        std::fs::create_dir_all(d).map_err(|e| format!("--data {}: {e}", d.display()))?;
    }
    let auth =
        heaplens_server::auth::Auth::new(access.token, key_file.as_deref()).map_err(|e| format!("access: {e}"))?;
    if let Some(dir) = &static_dir {
        if !dir.join("index.html").is_file() {
            return Err(format!("--static {}: no index.html there (build the app first)", dir.display()));
        }
    }
    let store = match &data {
        Some(dir) => {
            let (store, recovery) =
                Store::open(dir, access.memory_budget).map_err(|e| format!("--data {}: {e}", dir.display()))?;
            if recovery != Default::default() {
                tracing::warn!(?recovery, "cleaned up after an earlier crash");
            }
            store
        }
        None => Store::new(None),
    };
    let store = Arc::new(store);
    let loader = store.clone();
    let loaded = tokio::task::spawn_blocking(move || -> Result<(), String> {
        if let Some(dir) = &data {
            std::fs::create_dir_all(dir).map_err(|e| format!("--data {}: {e}", dir.display()))?;
            for r in loader.add_dir(dir).map_err(|e| format!("--data {}: {e}", dir.display()))? {
                report(r);
            }
            heaplens_server::series::add_dump_dir(&loader, dir).into_iter().for_each(report_series);
        }
        for path in &snapshots {
            if heaplens_server::series::is_dump_file(path) {
                report_series(heaplens_server::series::add_dump_file(&loader, path));
                continue;
            }
            report(
                loader
                    .add_file(path)
                    .map_err(|e| heaplens_engine::FormatError::Invalid(format!("{}: {e}", path.display()))),
            );
        }
        Ok(())
    });
    loaded.await.map_err(|e| e.to_string())??;
    let app = router_with(AppState { store: store.clone(), max_upload }, static_dir, Arc::new(auth));
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = format!("http://{}/", listener.local_addr().map_err(|e| e.to_string())?);
    println!("heaplens: serving {} snapshot(s) at {url}", store.list().snapshots.len());
    for s in store.list().snapshots {
        println!("heaplens:   {url}s/{}", s.id);
    }
    axum::serve(listener, app).with_graceful_shutdown(shutdown(exit_after)).await.map_err(|e| e.to_string())
}

/// Who may use the server.
struct Access {
    token: Option<String>,
    insecure_public: bool,
    memory_budget: u64,
}

fn report(r: Result<heaplens_wire::SnapshotInfo, heaplens_engine::FormatError>) {
    match r {
        Ok(info) => {
            tracing::info!(id = %info.id, objects = info.objects, size = info.total_size, "loaded {}", info.file)
        }
        Err(e) => tracing::error!("not loaded: {e}"),
    }
}

fn report_series(r: Result<heaplens_wire::SeriesInfo, String>) {
    match r {
        Ok(info) => tracing::info!(id = %info.id, samples = info.samples, "loaded heapy dump {}", info.name),
        Err(e) => tracing::error!("not loaded: {e}"),
    }
}

async fn shutdown(exit_after: Option<u64>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        #[cfg(unix)]
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    let timer = async {
        match exit_after {
            Some(secs) => tokio::time::sleep(std::time::Duration::from_secs(secs)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
        _ = timer => tracing::info!("--exit-after elapsed; stopping"),
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
