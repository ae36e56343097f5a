using System.Globalization;
using IronRuntime.Load;

// dotnet run -c Release --project eng/load/IronRuntime.Load -- run --mode proxy --streams 4000 --period-ms 200 --duration-s 20
// Commands: run (the driver), fake (the paced provider), host (the runtime host under test), alloc (bytes per event in
// lockstep streaming). See eng/load/README.md.
var cancel = new CancellationTokenSource(); // not disposed: ProcessExit may cancel it after Main returned
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => cancel.Cancel();

string command = args.Length > 0 ? args[0] : "run";
var options = new LoadArguments(args.Length > 1 ? args[1..] : []);
return command switch
{
    "fake" => await PacedProvider.RunAsync(options.GetInt("port", 0), TimeSpan.FromMilliseconds(options.GetInt("period-ms", 200)), options.Has("http2"), cancel.Token),
    "host" => await LoadHost.RunAsync(options, cancel.Token),
    "run" => await LoadDriver.RunAsync(options, cancel.Token),
    "alloc" => await AllocProbe.RunAsync(options),
    _ => Fail(command),
};

static int Fail(string command)
{
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unknown command '{command}': use run, fake or host"));
    return 2;
}
