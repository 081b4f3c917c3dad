namespace Img.Cli.Progress;

/// <summary>Runs work as a progress step: DONE when it returns, ERROR when it throws, CANCELED when cancelled.</summary>
public static class ProgressWriterExtensions
{
    public static Task StepAsync(this IProgressWriter display, string description, Func<Task> run) =>
        display.StepAsync(description, _ => run());

    public static async Task StepAsync(this IProgressWriter display, string description, Func<IProgressStep, Task> run)
    {
        var step = display.Begin(description);
        try
        {
            await run(step);
        }
        catch (OperationCanceledException)
        {
            display.Cancel();
            throw;
        }
        catch (Exception e)
        {
            step.Fail(e.Message);
            throw;
        }
        step.Done();
    }
}
