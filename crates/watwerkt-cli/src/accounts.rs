//! `watwerkt user …` and `watwerkt token …`: back-office accounts and API tokens, managed on the
//! server's command line (there is no sign-up). Every change is written to the audit log.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;
use watwerkt_accounts::{AccountError, Accounts, AuditEntry, User, unix_now};
use watwerkt_domain::{Email, Role};

use crate::Failure;
use crate::commands::Ctx;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (never an argument, which
    /// other users of the machine could see), at least 12 characters.
    Add {
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from the first line of standard input (required).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer sign in and its sessions end.
    Disable { email: String },
    /// Enable a disabled account again.
    Enable { email: String },
    /// Print a one-time password-reset link (valid 24 hours) to hand to the user.
    Reset { email: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a new bearer token for the API (shown once; only its hash is stored).
    Create { email: String },
    /// Revoke a token (read from standard input when given as `-`).
    Revoke { token: String },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: watwerkt_domain::DomainError| e.to_string())
}

fn email(s: &str) -> Result<Email, Failure> {
    Email::parse(s).map_err(|e| Failure::Usage(e.to_string()))
}

fn open(ctx: &Ctx) -> Result<Accounts, Failure> {
    Ok(Accounts::open_in(&ctx.data_dir)?)
}

fn failure(e: AccountError) -> Failure {
    match e {
        AccountError::Open { .. } | AccountError::Backend { .. } => Failure::Other(e.into()),
        _ => Failure::Data(e.into()),
    }
}

/// Who ran the command, for the audit log.
fn actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

fn audit(accounts: &Accounts, action: &str, target: &str, detail: &str) -> Result<(), Failure> {
    accounts
        .record(&AuditEntry {
            at: unix_now(),
            actor: actor(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            source: "cli".into(),
        })
        .map_err(failure)
}

fn read_line_from_stdin(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        return Err(Failure::Usage(format!("no {what} on standard input")));
    }
    Ok(line)
}

#[derive(Serialize)]
struct UserView<'a> {
    email: &'a str,
    role: Role,
    disabled: bool,
    two_factor: bool,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(u: &'a User) -> Self {
        UserView {
            email: u.email.as_str(),
            role: u.role,
            disabled: u.disabled,
            two_factor: u.has_totp,
        }
    }
}

pub fn user(ctx: &Ctx, command: UserCommand) -> Result<ExitCode, Failure> {
    let accounts = open(ctx)?;
    match command {
        UserCommand::Add {
            email: address,
            role,
            password_stdin,
        } => {
            if !password_stdin {
                return Err(Failure::Usage(
                    "give the password on standard input with --password-stdin".into(),
                ));
            }
            let address = email(&address)?;
            let password = read_line_from_stdin("password")?;
            let user = accounts
                .add_user(&address, role, &password, unix_now())
                .map_err(failure)?;
            audit(
                &accounts,
                "user.add",
                &format!("user:{}", user.email),
                &format!("role {role}"),
            )?;
            if !ctx.json {
                let second = if role.requires_two_factor() {
                    "; sets up two-factor authentication at first sign-in"
                } else {
                    ""
                };
                println!("added {} ({}){second}", user.email, role.label_nl());
            } else {
                crate::commands::print_json(&UserView::from(&user))?;
            }
        }
        UserCommand::List => {
            let users = accounts.users().map_err(failure)?;
            if ctx.json {
                let views: Vec<UserView> = users.iter().map(UserView::from).collect();
                crate::commands::print_json(&views)?;
            } else {
                for u in &users {
                    println!(
                        "{}\t{}\t{}\t{}",
                        u.email,
                        u.role,
                        if u.disabled { "disabled" } else { "active" },
                        if u.has_totp { "2fa" } else { "no-2fa" }
                    );
                }
            }
        }
        UserCommand::Disable { email: ref address }
        | UserCommand::Enable { email: ref address } => {
            let disable = matches!(command, UserCommand::Disable { .. });
            let address = address.clone();
            let address = email(&address)?;
            accounts.set_disabled(&address, disable).map_err(failure)?;
            let action = if disable {
                "user.disable"
            } else {
                "user.enable"
            };
            audit(&accounts, action, &format!("user:{address}"), "")?;
            println!("{} {address}", if disable { "disabled" } else { "enabled" });
        }
        UserCommand::Reset { email: address } => {
            let address = email(&address)?;
            let token = accounts
                .create_reset(&address, unix_now())
                .map_err(failure)?;
            audit(
                &accounts,
                "user.reset",
                &format!("user:{address}"),
                "reset link issued",
            )?;
            println!("/beheer/herstel/{token}");
            eprintln!(
                "watwerkt: give {address} this path on the site (valid 24 hours, once); it sets a new password"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(ctx: &Ctx, command: TokenCommand) -> Result<ExitCode, Failure> {
    let accounts = open(ctx)?;
    match command {
        TokenCommand::Create { email: address } => {
            let address = email(&address)?;
            let token = accounts
                .create_token(&address, unix_now())
                .map_err(failure)?;
            audit(&accounts, "token.create", &format!("user:{address}"), "")?;
            println!("{token}");
        }
        TokenCommand::Revoke { token } => {
            let token = if token == "-" {
                read_line_from_stdin("token")?
            } else {
                token
            };
            let user = accounts.revoke_token(&token, unix_now()).map_err(failure)?;
            audit(
                &accounts,
                "token.revoke",
                &format!("user:{}", user.email),
                "",
            )?;
            println!("revoked a token of {}", user.email);
        }
    }
    Ok(ExitCode::SUCCESS)
}
