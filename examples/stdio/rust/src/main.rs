//! A complex-repl backend in Rust: run it with
//!
//!     complex-repl --backend stdio --command examples/stdio/rust/target/release/complex-stdio-worker
//!
//! One JSON request per line on stdin, one reply per line on stdout, in order
//! (docs/PROTOCOL.md, "stdio"). It does the demo's four operations with CPython's
//! algorithms, so its answers are bit for bit CPython's, and answers
//! unsupported_operation for the rest.

use serde_json::{json, Value};
use std::io::{self, BufRead, BufWriter, Write};

/// A real (a bare number) or a complex number ([re, im]), as Python's numeric tower.
#[derive(Clone, Copy)]
enum Number {
    Real(f64),
    Complex(f64, f64),
}

fn double(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-inf" => Some(f64::NEG_INFINITY),
        Value::String(s) if s == "nan" => Some(f64::NAN),
        _ => None,
    }
}

fn operand(value: &Value) -> Option<Number> {
    match value {
        Value::Array(pair) if pair.len() == 2 => Some(Number::Complex(double(&pair[0])?, double(&pair[1])?)),
        other => Some(Number::Real(double(other)?)),
    }
}

/// CPython 3.11's `_Py_c_quot` (Objects/complexobject.c): Smith's method, branch for branch.
fn quotient(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    let (abs_real, abs_imag) = (b.0.abs(), b.1.abs());
    if abs_real >= abs_imag {
        if abs_real == 0.0 {
            return None;
        }
        let ratio = b.1 / b.0;
        let denominator = b.0 + b.1 * ratio;
        Some(((a.0 + a.1 * ratio) / denominator, (a.1 - a.0 * ratio) / denominator))
    } else if abs_imag >= abs_real {
        let ratio = b.0 / b.1;
        let denominator = b.0 * ratio + b.1;
        Some(((a.0 * ratio + a.1) / denominator, (a.1 * ratio - a.0) / denominator))
    } else {
        Some((f64::NAN, f64::NAN)) // one of b's parts is a NaN
    }
}

/// The operation on two operands, or the error's code and message.
fn compute(op: &str, a: Number, b: Number) -> Result<Number, (&'static str, String)> {
    if let (Number::Real(x), Number::Real(y)) = (a, b) {
        return match op {
            "add" => Ok(Number::Real(x + y)),
            "sub" => Ok(Number::Real(x - y)),
            "mul" => Ok(Number::Real(x * y)),
            "div" if y == 0.0 => Err(("division_by_zero", "division by zero".into())),
            _ => Ok(Number::Real(x / y)),
        };
    }
    // A real with a complex is first made complex, as CPython does.
    let pair = |n: Number| match n {
        Number::Real(x) => (x, 0.0),
        Number::Complex(re, im) => (re, im),
    };
    let (a, b) = (pair(a), pair(b));
    let (re, im) = match op {
        "add" => (a.0 + b.0, a.1 + b.1),
        "sub" => (a.0 - b.0, a.1 - b.1),
        "mul" => (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0),
        _ => quotient(a, b).ok_or(("division_by_zero", "division by zero".to_string()))?,
    };
    Ok(Number::Complex(re, im))
}

/// A double as the wire writes it: shortest round-trip digits, non-finite as strings.
fn wire(x: f64) -> String {
    if x.is_nan() {
        "\"nan\"".into()
    } else if x.is_infinite() {
        if x > 0.0 { "\"inf\"".into() } else { "\"-inf\"".into() }
    } else {
        format!("{:?}", x)
    }
}

fn answer(request: &Value) -> String {
    let op = request.get("op").or_else(|| request.get("command")).and_then(Value::as_str).unwrap_or("");
    if !["add", "sub", "mul", "div"].contains(&op) {
        let message = format!("this worker does add, sub, mul and div, not {}", op);
        return json!({"error": {"code": "unsupported_operation", "message": message}}).to_string();
    }
    let operands = (request.get("a").and_then(operand), request.get("b").and_then(operand));
    let (Some(a), Some(b)) = operands else {
        return json!({"error": {"code": "bad_arguments", "message": format!("{} takes two operands, a and b", op)}}).to_string();
    };
    match compute(op, a, b) {
        Ok(Number::Real(x)) => format!("{{\"result\":{}}}", wire(x)),
        Ok(Number::Complex(re, im)) => format!("{{\"result\":[{},{}]}}", wire(re), wire(im)),
        Err((code, message)) => json!({"error": {"code": code, "message": message}}).to_string(),
    }
}

fn main() {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let (mut reply, id) = match serde_json::from_str::<Value>(&line) {
            Ok(request) => (answer(&request), request.get("id").cloned()),
            Err(error) => (json!({"error": {"code": "bad_json", "message": error.to_string()}}).to_string(), None),
        };
        if let Some(id) = id {
            reply.pop(); // the closing brace: the id goes last, as complex-server puts it
            reply.push_str(&format!(",\"id\":{}}}", id));
        }
        writeln!(out, "{}", reply).ok();
        // The caller may be waiting for this very reply.
        if out.flush().is_err() {
            break;
        }
    }
}
