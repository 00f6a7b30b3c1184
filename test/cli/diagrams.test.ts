import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BEGIN, END, README, renderSection, stackNames, updateReadme } from "../../scripts/diagrams";
import { devConfig, localConfig, prodConfig, stagingConfig } from "../support/topologies";

describe("README topology diagrams", () => {
  it("README.md has the markers and its section is current (run scripts/diagrams.ts)", () => {
    expect(existsSync(README)).toBe(true);
    const text = readFileSync(README, "utf8");
    expect(text).toContain(BEGIN);
    expect(text).toContain(END);
    expect(updateReadme(text, renderSection())).toBe(text);
  });

  it("has one mermaid block per stack file", () => {
    const section = renderSection();
    expect(section.match(/```mermaid/g)?.length).toBe(stackNames().length);
  });

  it("refuses a README without markers", () => {
    expect(() => updateReadme("# no markers\n", renderSection())).toThrow(/diagrams:begin/);
  });

  const dir = mkdtempSync(join(tmpdir(), "yb-k3s-stacks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("works for whatever stacks exist, on every target (pure planner)", () => {
    const stacks = { local: localConfig(), dev: devConfig(), staging: stagingConfig(), prod: prodConfig(), zz: localConfig() };
    for (const [name, cfg] of Object.entries(stacks))
      writeFileSync(join(dir, `Pulumi.${name}.yaml`), stringify({ config: Object.fromEntries(Object.entries(cfg).map(([k, v]) => [`yb-k3s:${k}`, v])) }));
    expect(stackNames(dir)).toEqual(["local", "dev", "staging", "prod", "zz"]);
    const section = renderSection(dir);
    expect(section.match(/```mermaid/g)?.length).toBe(5);
    expect(section).toMatch(/### `local` \(docker\).*survives a node/);
    expect(section).toMatch(/### `dev` \(kubernetes\).*survives a zone/);
    expect(section).toMatch(/### `staging` \(aws\).*survives a zone/);
    expect(section).toMatch(/### `prod` \(aws\).*survives a region/);
    expect(section).toMatch(/kubeconfig --> k3s_api\n/);
    expect(section).toMatch(/k3s_api -\.-> k3s_0\n  k3s_api -\.-> k3s_1/);
    expect(section).toMatch(/subgraph R_us_west_2\["region us-west-2 \(standby\)"\]/);
  });
});
