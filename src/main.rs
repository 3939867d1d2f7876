//! The `flexportal` command line: serve the portal and run operations tasks.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flexportal::config::Config;
use flexportal::domain::accounts::{NewUser, create_user};
use flexportal::domain::actor::Origin;

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
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
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
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flexportal: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    let profile = config.profile;
    let portal = flexportal::open(config).await.map_err(|e| e.to_string())?;
    match command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::User { command: UserCommand::Create { email, role, name } } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("reading the password: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let input = NewUser { email, display_name: name, role, partner_id: None, password, locale: None };
            match create_user(&portal, None, &Origin::default(), input).await {
                Ok(user) => {
                    println!("created {} ({})", user.email, user.role);
                    Ok(())
                }
                Err(flexportal::domain::error::Error::Validation(errors)) => Err(errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message.en))
                    .collect::<Vec<_>>()
                    .join("; ")),
                Err(e) => Err(e.to_string()),
            }
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
            rocket.launch().await.map(|_| ()).map_err(|e| e.to_string())
        }
    }
}
