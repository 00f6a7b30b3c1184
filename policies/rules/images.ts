import { imageHasDigest, imagesOf, imageTag, isOpaque } from "../extract";
import type { ResourceRule } from "../types";

/** Every image is pinned: a tag that is not `latest`, or a digest. */
export const imagesPinnedRule: ResourceRule = {
  kind: "resource",
  name: "images-pinned",
  description: "Every container image is pinned to a version tag or digest (no :latest, no missing tag).",
  check(r) {
    const out: string[] = [];
    for (const { image, where } of imagesOf(r)) {
      if (typeof image !== "string" || isOpaque(image) || image === "") continue;
      if (imageHasDigest(image)) continue;
      const tag = imageTag(image);
      if (tag === undefined)
        out.push(`${where}: image "${image}" has no tag and pulls :latest; pin a version (e.g. "${image}:<version>", see planner/versions.ts).`);
      else if (tag === "latest")
        out.push(`${where}: image "${image}" uses the moving tag :latest; pin a version (see planner/versions.ts) or a @sha256 digest.`);
    }
    return out;
  },
};
