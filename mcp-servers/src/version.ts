// The version every server reports in its implementation info.
export const SERVER_VERSION = "0.1.0";
