import ComplexLanguage

/// The HTTP API as an OpenAPI 3.0 document, served at `GET /openapi.yaml` and kept
/// as `docs/openapi.yaml` (a test checks the two are the same text). It is written
/// from the operations themselves, so an operation added to the language appears here
/// with its operand count, as it does on the routes.
enum OpenAPIDocument {
    static let yaml: String = {
        var lines = [
            "openapi: 3.0.3",
            "info:",
            "  title: complex-server",
            "  version: \(PackageVersion.current)",
            "  description: >-",
            "    Complex-number operations with CPython 3.11's semantics, bit for bit.",
            "    A complex number is a pair [re, im]; a real is a bare number (Python's numeric tower).",
            "    Non-finite numbers are the strings inf, -inf and nan. docs/PROTOCOL.md has the details.",
            "paths:",
            "  /health:",
            "    get:",
            "      summary: Liveness",
            "      responses:",
            "        '200':",
            "          description: The server is up.",
            "          content:",
            "            application/json:",
            "              schema:",
            "                type: object",
            "                required: [status]",
            "                properties:",
            "                  status: {type: string, enum: [ok]}",
            "        '401': {$ref: '#/components/responses/Failure'}",
            "  /ops:",
            "    get:",
            "      summary: The operations and how many operands each takes",
            "      responses:",
            "        '200':",
            "          description: Every operation.",
            "          content:",
            "            application/json:",
            "              schema:",
            "                type: object",
            "                required: [operations]",
            "                properties:",
            "                  operations:",
            "                    type: array",
            "                    items:",
            "                      type: object",
            "                      required: [name, arity, min_arity]",
            "                      properties:",
            "                        name: {type: string}",
            "                        arity: {type: integer, description: the most operands}",
            "                        min_arity: {type: integer, description: the fewest operands}",
            "        '401': {$ref: '#/components/responses/Failure'}",
            "  /openapi.yaml:",
            "    get:",
            "      summary: This document",
            "      responses:",
            "        '200':",
            "          description: The OpenAPI document.",
            "          content:",
            "            application/yaml:",
            "              schema: {type: string}",
            "        '401': {$ref: '#/components/responses/Failure'}",
        ]
        for operation in MathOperation.allCases {
            let required = operation.arity.lowerBound == 2 ? "[a, b]" : "[a]"
            let operand = operation.takesRealOperandsOnly ? "Number" : "Operand"
            lines += [
                "  /\(operation.rawValue):",
                "    post:",
                "      summary: \(operation.rawValue) (\(operation.aritySpelling) operand\(operation.arity.upperBound == 1 ? "" : "s"))",
                "      requestBody:",
                "        required: true",
                "        content:",
                "          application/json:",
                "            schema:",
                "              type: object",
                "              required: \(required)",
                "              properties:",
                "                a: {$ref: '#/components/schemas/\(operand)'}",
            ]
            if operation.arity.upperBound == 2 {
                lines.append("                b: {$ref: '#/components/schemas/\(operand)'}")
            } else {
                lines.append("              not: {required: [b]}")
            }
            lines += [
                "              description: Other fields (the demo's op) are ignored.",
                "      responses:",
                "        '200':",
                "          description: The result.",
                "          content:",
                "            application/json:",
                "              schema: {$ref: '#/components/schemas/Result'}",
                "        '400': {$ref: '#/components/responses/Failure'}",
                "        '401': {$ref: '#/components/responses/Failure'}",
                "        '413': {$ref: '#/components/responses/Failure'}",
                "        '422': {$ref: '#/components/responses/Failure'}",
                "        '503': {$ref: '#/components/responses/Failure'}",
            ]
        }
        lines += [
            "components:",
            "  schemas:",
            "    Number:",
            "      oneOf:",
            "        - type: number",
            "        - {type: string, enum: [inf, -inf, nan, Infinity, -Infinity, NaN]}",
            "    Operand:",
            "      description: A real number, or a complex number as [re, im].",
            "      oneOf:",
            "        - $ref: '#/components/schemas/Number'",
            "        - {type: array, items: {$ref: '#/components/schemas/Number'}, minItems: 2, maxItems: 2}",
            "    Result:",
            "      type: object",
            "      required: [result]",
            "      properties:",
            "        result: {$ref: '#/components/schemas/Operand'}",
            "    Failure:",
            "      type: object",
            "      required: [error]",
            "      properties:",
            "        error:",
            "          type: object",
            "          required: [code, message]",
            "          properties:",
            "            code: {type: string, description: one of the codes in docs/PROTOCOL.md}",
            "            message: {type: string}",
            "  responses:",
            "    Failure:",
            "      description: 'The request failed: bad JSON or operands (400), no token (401), a body over 64 KiB (413), a math error (422), the server full (503).'",
            "      content:",
            "        application/json:",
            "          schema: {$ref: '#/components/schemas/Failure'}",
        ]
        return lines.joined(separator: "\n")  // the response adds the final newline
    }()
}
