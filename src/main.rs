//! The `flexportal` command line: serve the portal and run operations tasks.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use flexportal::config::{Config, Profile};
use flexportal::domain::Portal;
use flexportal::domain::accounts::{NewUser, create_user, partner_id_by_slug};
use flexportal::domain::actor::{Origin, Role};
use flexportal::domain::error::Error;
use flexportal::domain::partners::demo::seed_directory;
use flexportal::domain::partners::import::{MAX_FILE_BYTES, import_csv};
use indicatif::{ProgressBar, ProgressStyle};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status of an import that wrote what it could but rejected some rows.
const SOME_ROWS_REJECTED: u8 = 2;

#[derive(Parser)]
#[command(name = "flexportal", version, about = "Flex Partner Portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Run the expiry and outbox jobs once, print what they did, and exit.
    Sweep,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage partners.
    Partners {
        #[command(subcommand)]
        command: PartnersCommand,
    },
    /// Write deterministic sample data for demos and benchmarks (refused in production).
    DemoData {
        /// Partners to generate (existing ones with the same slug or CSN are kept).
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
        partners: u64,
        /// Customers to generate (not available yet).
        #[arg(long, default_value_t = 0)]
        customers: u64,
        /// Usage events to generate (not available yet).
        #[arg(long, default_value_t = 0)]
        usage_events: u64,
        /// The same seed always gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum PartnersCommand {
    /// Create or update partners from a CSV file, matched by CSN; prints the rows it rejected.
    /// Exit status: 0 all rows written, 2 some rows rejected, 1 the file was refused.
    Import {
        /// A UTF-8 CSV file whose header names every partner column.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// admin, partner_admin or partner_sales
        #[arg(long)]
        role: String,
        /// Display name (defaults to the e-mail address).
        #[arg(long, default_value = "")]
        name: String,
        /// The partner's slug: required for partner_admin and partner_sales, refused for admin.
        #[arg(long, value_name = "SLUG")]
        partner: Option<String>,
    },
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLEXPORTAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(true);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[rocket::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("flexportal: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&config);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("flexportal: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<ExitCode, String> {
    let profile = config.profile;
    let portal = flexportal::open(config).await.map_err(|e| e.to_string())?;
    match command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Partners { command: PartnersCommand::Import { file } } => {
            import_partners(&portal, &file).await
        }
        Command::DemoData { partners, customers, usage_events, seed } => {
            if profile == Profile::Production {
                return Err("demo-data writes fictional partners and is refused in production".into());
            }
            if customers > 0 {
                eprintln!("flexportal: customers are not available yet; nothing generated for them");
            }
            if partners == 0 && usage_events == 0 {
                println!("nothing requested (use --partners N or --usage-events N)");
                return Ok(ExitCode::SUCCESS);
            }
            if partners > 0 {
                demo_partners(&portal, partners, seed).await?;
            }
            if usage_events > 0 {
                demo_usage(&portal, usage_events, seed).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command: UserCommand::Create { email, role, name, partner } } => {
            let partner_id = match (Role::parse(&role).map(Role::needs_partner), partner.as_deref()) {
                (Some(true), None) => {
                    return Err(format!("the role {role} needs a partner: add --partner SLUG"));
                }
                (Some(false), Some(_)) => {
                    return Err(format!("the role {role} has no partner: leave out --partner"));
                }
                (_, Some(slug)) => Some(partner_id_by_slug(&portal, slug).await.map_err(describe)?),
                (_, None) => None,
            };
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("reading the password: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let input = NewUser { email, display_name: name, role, partner_id, password, locale: None };
            match create_user(&portal, None, &Origin::default(), input).await {
                Ok(user) => {
                    println!("created {} ({})", user.email, user.role.as_str());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(describe(e)),
            }
        }
        Command::Sweep => {
            let report = flexportal::jobs::run_once(&portal).await.map_err(|e| e.to_string())?;
            println!("{report}");
            if report.errors.is_empty() { Ok(ExitCode::SUCCESS) } else { Err(report.errors.join("; ")) }
        }
        Command::Serve => {
            let logins = flexportal::seed_demo(&portal).await.map_err(|e| e.to_string())?;
            let url = format!("http://{}:{}", portal.config.address, portal.config.port);
            if !logins.is_empty() {
                println!("\nDemo data created ({} profile). Sign in at {url}/login with:", profile.name());
                for login in &logins {
                    println!("  {:<14} {}  /  {}", login.role, login.email, login.password);
                }
                println!("(also saved in {})\n", portal.config.data_dir.join("demo-logins.txt").display());
            }
            let rocket = flexportal::rocket(portal);
            println!("flexportal listening on {url}");
            rocket.launch().await.map(|_| ExitCode::SUCCESS).map_err(|e| e.to_string())
        }
    }
}

fn describe(error: Error) -> String {
    match error {
        Error::Validation(errors) if errors.iter().all(|e| e.field == "file") => {
            errors.iter().map(|e| e.message.en.as_ref()).collect::<Vec<_>>().join("; ")
        }
        Error::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message.en)).collect::<Vec<_>>().join("; ")
        }
        e => e.to_string(),
    }
}

fn progress_bar(len: u64, unit: &str) -> ProgressBar {
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

async fn import_partners(portal: &Portal, file: &Path) -> Result<ExitCode, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    // Counting the records first gives the bar its length; a file over the size limit stops at the
    // limit here and is refused by the import itself.
    let records =
        csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice()).byte_records().count();
    let bar = progress_bar(records as u64, "rows");
    let result =
        import_csv(portal, None, &Origin::default(), bytes.as_slice(), |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let report = result.map_err(|e| format!("{}: {}", file.display(), describe(e)))?;
    println!("created {}, updated {}, rejected {}", report.created, report.updated, report.rejected.len());
    if report.rejected.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<(String, String, String)> = report
        .rejected
        .iter()
        .map(|r| (r.line.to_string(), printable(&r.csn, 20), printable(&r.reason, 1_000)))
        .collect();
    let line_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max("line".len());
    let csn_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0).max("csn".len());
    println!("\n{:<line_width$}  {:<csn_width$}  reason", "line", "csn");
    for (line, csn, reason) in rows {
        println!("{line:<line_width$}  {csn:<csn_width$}  {reason}");
    }
    Ok(ExitCode::from(SOME_ROWS_REJECTED))
}

/// Text from the file as it may be shown on a terminal: control characters (escape sequences
/// included) escaped, long values cut.
fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(max_chars) {
        if c.is_control() { out.extend(c.escape_default()) } else { out.push(c) }
    }
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

async fn demo_usage(portal: &Portal, events: u64, seed: u64) -> Result<ExitCode, String> {
    let started = Instant::now();
    let bar = progress_bar(events, "usage events");
    let result = flexportal::domain::demo_usage::seed_showcase_usage(portal, events, seed, |done| {
        bar.set_position(done)
    })
    .await;
    bar.finish_and_clear();
    let applied = result.map_err(describe)?;
    let seconds = started.elapsed().as_secs_f64();
    println!("applied {applied} of {events} usage events (seed {seed}) in {seconds:.1} s");
    Ok(ExitCode::SUCCESS)
}

async fn demo_partners(portal: &Portal, partners: u64, seed: u64) -> Result<ExitCode, String> {
    let started = Instant::now();
    let bar = progress_bar(partners, "partners");
    let count = usize::try_from(partners).unwrap_or(usize::MAX);
    let result = seed_directory(portal, count, seed, |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let written = result.map_err(describe)?;
    let seconds = started.elapsed().as_secs_f64();
    println!("wrote {written} partners (seed {seed}) in {seconds:.1} s");
    if written < partners {
        println!("{} were already present (same slug or CSN) and were kept", partners - written);
    }
    Ok(ExitCode::SUCCESS)
}
